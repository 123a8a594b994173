-- Q5 by hand: the search's hits, best first, and how many. Variables: text, first.
WITH hits AS MATERIALIZED (SELECT rowid FROM bench.search_hits(:text))
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM hits),
  'nodes', (SELECT coalesce(json_agg(h), '[]') FROM (SELECT rowid FROM hits LIMIT :first::int) h));
