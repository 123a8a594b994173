-- What PostGraphile needs beside govtrail's tables to answer the benchmark queries, in the way a
-- PostGraphile project would add it: SQL functions in a schema of their own (`bench`), exposed
-- as computed columns and custom queries. bench/run loads this into the benchmark database; it
-- changes none of govtrail's tables. The hand-written SQL floor (bench/sql) uses it too.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- The first and the last day a stored partial date ("2015", "2015-03" or "2015-03-10") covers.
CREATE OR REPLACE FUNCTION bench.earliest(d text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE length(d) WHEN 4 THEN (d || '-01-01')::date WHEN 7 THEN (d || '-01')::date ELSE d::date END
$$;
CREATE OR REPLACE FUNCTION bench.latest(d text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE length(d)
    WHEN 4 THEN (d || '-12-31')::date
    WHEN 7 THEN ((d || '-01')::date + interval '1 month' - interval '1 day')::date
    ELSE d::date END
$$;

-- Conference.dayRank: morning, afternoon, evening (1, 2, 3; 0 unknown), so that pages can be
-- ordered as govtrail orders them (date, part of day, start time, id).
CREATE OR REPLACE FUNCTION bench.conference_day_rank(c public.conference) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT CASE c.part_of_day WHEN 'MORNING' THEN 1 WHEN 'AFTERNOON' THEN 2 WHEN 'EVENING' THEN 3 ELSE 0 END
$$;
COMMENT ON FUNCTION bench.conference_day_rank(public.conference) IS E'@behavior +orderBy';

-- Participation.tenuresHeld: the tenures the participant held on the conference's date (a
-- partial or unknown bound never rules a day out).
CREATE OR REPLACE FUNCTION bench.participation_tenures_held(p public.participation)
RETURNS SETOF public.tenure LANGUAGE sql STABLE AS $$
  SELECT t.* FROM public.tenure t, public.conference c
  WHERE c.id = p.conference_id AND t.official_id = p.official_id
    AND (t.started_on IS NULL OR bench.earliest(t.started_on) <= c.date)
    AND (t.ended_on IS NULL OR bench.latest(t.ended_on) >= c.date)
  ORDER BY t.id
$$;

-- Query.benchOfficialTimeline: an official's conferences, tenures and tasks in date order, as
-- govtrail's timeline orders them (date, part of day, kind, type of object, id).
CREATE TYPE bench.timeline_entry AS (
  date date, part_rank int, kind text, kind_rank int, type_rank int, object_id int, summary text
);
CREATE FUNCTION bench.official_timeline(subject int) RETURNS SETOF bench.timeline_entry
LANGUAGE sql STABLE AS $$
  WITH me AS (SELECT id, name FROM public.official WHERE id = subject),
  took_part AS (
    SELECT conference_id, bool_or(role = 'CHAIR') AS chaired
    FROM public.participation WHERE official_id = subject GROUP BY conference_id
  ),
  assigned AS (
    SELECT DISTINCT t.* FROM public.task t JOIN public.task_assignee a ON a.task_id = t.id
    WHERE a.official_id = subject
  ),
  entries AS (
    SELECT c.date, bench.conference_day_rank(c) AS part_rank,
      CASE WHEN tp.chaired THEN 'CONFERENCE_CHAIRED' ELSE 'CONFERENCE_ATTENDED' END AS kind,
      CASE WHEN tp.chaired THEN 0 ELSE 1 END AS kind_rank, 0 AS type_rank, c.id AS object_id,
      CASE WHEN tp.chaired THEN 'Chaired: ' ELSE 'Attended: ' END || c.title AS summary
    FROM took_part tp JOIN public.conference c ON c.id = tp.conference_id
    UNION ALL
    SELECT bench.earliest(t.started_on), 0, 'TENURE_STARTED', 4, 1, t.id,
      me.name || ' became ' || p.title
    FROM public.tenure t JOIN public.post p ON p.id = t.post_id, me
    WHERE t.official_id = subject AND t.started_on IS NOT NULL
    UNION ALL
    SELECT bench.earliest(t.ended_on), 0, 'TENURE_ENDED', 5, 1, t.id, me.name || ' left ' || p.title
    FROM public.tenure t JOIN public.post p ON p.id = t.post_id, me
    WHERE t.official_id = subject AND t.ended_on IS NOT NULL
    UNION ALL
    SELECT u.date, 0, 'TASK_UPDATED', 10, 4, u.id, 'Progress (' || u.status || '): ' || t.title
    FROM assigned t JOIN public.task_update u ON u.task_id = t.id
    UNION ALL
    SELECT c.date, bench.conference_day_rank(c), 'TASK_ASSIGNED', 8, 3, t.id, 'Assigned: ' || t.title
    FROM assigned t JOIN public.conference c ON c.id = t.conference_id
    UNION ALL
    SELECT t.due_on, 0, 'TASK_DUE', 9, 3, t.id, 'Due: ' || t.title FROM assigned t WHERE t.due_on IS NOT NULL
    UNION ALL
    SELECT c.date, bench.conference_day_rank(c), 'TASK_ASSIGNED', 8, 3, t.id, 'Gave the task: ' || t.title
    FROM public.task t JOIN public.conference c ON c.id = t.conference_id
    WHERE t.assigned_by_official_id = subject
  )
  SELECT * FROM entries ORDER BY date, part_rank, kind_rank, type_rank, object_id
$$;

-- Query.benchTaskStatsByAssignee: for each assignee (organization or official), its tasks by status
-- and those overdue on a date.
CREATE TYPE bench.task_stat AS (
  organization_key text, organization_name text, official_key text, official_name text,
  total int, open int, in_progress int, done int, cancelled int, overdue int
);
CREATE FUNCTION bench.task_stats_by_assignee(as_of date) RETURNS SETOF bench.task_stat
LANGUAGE sql STABLE AS $$
  SELECT g.key, g.name, o.key, o.name, s.total, s.open, s.in_progress, s.done, s.cancelled, s.overdue
  FROM (
    SELECT a.organization_id, a.official_id, count(DISTINCT t.id)::int AS total,
      count(DISTINCT t.id) FILTER (WHERE t.status = 'OPEN')::int AS open,
      count(DISTINCT t.id) FILTER (WHERE t.status = 'IN_PROGRESS')::int AS in_progress,
      count(DISTINCT t.id) FILTER (WHERE t.status = 'DONE')::int AS done,
      count(DISTINCT t.id) FILTER (WHERE t.status = 'CANCELLED')::int AS cancelled,
      count(DISTINCT t.id) FILTER (WHERE t.status IN ('OPEN', 'IN_PROGRESS') AND t.due_on < as_of)::int
        AS overdue
    FROM public.task_assignee a JOIN public.task t ON t.id = a.task_id
    GROUP BY a.organization_id, a.official_id
  ) s
  LEFT JOIN public.organization g ON g.id = s.organization_id
  LEFT JOIN public.official o ON o.id = s.official_id
  ORDER BY s.organization_id NULLS LAST, s.official_id
$$;

-- Query.benchSearchHits: the search index rows whose words start with each of the query's words,
-- best first (all of them, as govtrail counts them).
CREATE FUNCTION bench.search_hits(words text) RETURNS SETOF public.search_index
LANGUAGE sql STABLE AS $$
  WITH q AS (
    SELECT to_tsquery('simple', string_agg(w || ':*', ' & ')) AS q
    FROM regexp_split_to_table(lower(words), '[^[:alnum:]]+') AS w WHERE w <> ''
  )
  SELECT s.* FROM public.search_index s, q
  WHERE s.vector @@ q.q
  ORDER BY ts_rank(s.vector, q.q) DESC, s.rowid
$$;
