-- Q4 by hand: task counts by assignee and status, overdue on a date. Variable: as_of.
SELECT json_agg(s) FROM bench.task_stats_by_assignee(:as_of::date) s;
