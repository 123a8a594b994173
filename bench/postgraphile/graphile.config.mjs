// PostGraphile v5 over govtrail's tables, for the side-by-side benchmark (bench/run): the Amber
// preset with the connection-filter plugin (Q1 and Q3 filter by ranges), over the `public` schema
// and the functions of schema.sql in `bench`. The database comes from DATABASE_URL; the port
// from PORT (15678 by default).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public", "bench"] })],
  grafserv: { port: Number(process.env.PORT ?? 15678) },
};
