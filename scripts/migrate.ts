import { loadConfig } from "../src/config.js";
import { redactUrl } from "../src/db/database-url.js";
import { migrateDatabase } from "../src/db/migrate.js";

/**
 * `npm run db:migrate`: applies the committed migrations to the database the gateway would open
 * (DATABASE_URL, else `<DATA_DIR>/gateway.db`), as start-up does, and says what it applied.
 */
const config = loadConfig();
const applied = await migrateDatabase(config.databaseUrl);
console.log(
  applied.length === 0
    ? `${redactUrl(config.databaseUrl)} is up to date.`
    : `Applied to ${redactUrl(config.databaseUrl)}: ${applied.join(", ")}`,
);
