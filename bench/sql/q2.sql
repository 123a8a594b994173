-- Q2 by hand: a page of an official's timeline and its size. Variable: official (the id).
WITH entries AS MATERIALIZED (SELECT * FROM bench.official_timeline(:official::int))
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM entries),
  'nodes', (SELECT coalesce(json_agg(json_build_object('date', e.date, 'kind', e.kind, 'summary', e.summary)), '[]')
            FROM (SELECT * FROM entries ORDER BY date, part_rank, kind_rank, type_rank, object_id LIMIT 50) e));
