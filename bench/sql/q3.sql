-- Q3 by hand: tasks overdue on a date with the total, assignees (organization and parent, or
-- official) and directive with issuer, first 50. Variable: as_of.
WITH page AS (
  SELECT t.* FROM task t
  WHERE t.status IN ('OPEN', 'IN_PROGRESS') AND t.due_on < :as_of::date
  ORDER BY t.due_on, t.id LIMIT 50
)
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM task WHERE status IN ('OPEN', 'IN_PROGRESS') AND due_on < :as_of::date),
  'nodes', (SELECT json_agg(json_build_object(
      'key', p.key, 'title', p.title, 'dueOn', p.due_on, 'status', p.status,
      'assignees', (SELECT coalesce(json_agg(
          CASE WHEN a.organization_id IS NOT NULL THEN
            (SELECT json_build_object('key', g.key, 'name', g.name,
               'parent', (SELECT json_build_object('key', h.key, 'name', h.name) FROM organization h WHERE h.id = g.parent_id))
             FROM organization g WHERE g.id = a.organization_id)
          ELSE (SELECT json_build_object('key', o.key, 'name', o.name) FROM official o WHERE o.id = a.official_id) END
          ORDER BY a.id), '[]')
        FROM task_assignee a WHERE a.task_id = p.id),
      'directive', (SELECT json_build_object('key', d.key, 'code', d.code,
          'issuer', (SELECT json_build_object('key', g.key, 'name', g.name) FROM organization g WHERE g.id = d.issuer_id))
        FROM directive d WHERE d.id = p.directive_id))
    ORDER BY p.due_on, p.id) FROM page p));
