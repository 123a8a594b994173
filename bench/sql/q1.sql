-- Q1 and Q6 by hand: one statement that returns a page of the month's conferences as JSON, the
-- floor a server over these tables could reach. Variables (pgbench -D, prepared): from, to, and
-- the last row of the page before (its date, part-of-day rank and id; the first page starts
-- before every row). The generated conferences have no start time, so it is left out of the
-- order.
WITH page AS (
  SELECT * FROM (
    SELECT c.id, c.key, c.title, c.date,
      CASE c.part_of_day WHEN 'MORNING' THEN 1 WHEN 'AFTERNOON' THEN 2 WHEN 'EVENING' THEN 3 ELSE 0 END AS rank
    FROM conference c WHERE c.date BETWEEN :from::date AND :to::date
  ) c
  WHERE (c.date, c.rank, c.id) > (:after_date::date, :after_rank::int, :after_id::int)
  ORDER BY c.date, c.rank, c.id LIMIT 50
)
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM conference WHERE date BETWEEN :from::date AND :to::date),
  'nodes', (SELECT json_agg(json_build_object(
      'id', p.id, 'rank', p.rank, 'key', p.key, 'title', p.title, 'date', p.date,
      'chairs', (SELECT coalesce(json_agg(json_build_object(
          'key', o.key, 'name', o.name,
          'posts', (SELECT coalesce(json_agg(json_build_object(
              'key', po.key, 'title', po.title,
              'organization', (SELECT json_build_object('key', g.key, 'name', g.name)
                               FROM organization g WHERE g.id = po.organization_id)) ORDER BY t.id), '[]')
            FROM bench.participation_tenures_held(pa) t JOIN post po ON po.id = t.post_id))
          ORDER BY pa.id), '[]')
        FROM participation pa JOIN official o ON o.id = pa.official_id
        WHERE pa.conference_id = p.id AND pa.role = 'CHAIR'))
    ORDER BY p.date, p.rank, p.id) FROM page p));
