// PostGraphile v5 over govtrail's tables, for the side-by-side benchmark: the Amber preset with
// the connection-filter plugin (Q1 filters conferences by a date range). The database comes from
// DATABASE_URL; the port from PORT (15678 by default).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { port: Number(process.env.PORT ?? 15678) },
};
