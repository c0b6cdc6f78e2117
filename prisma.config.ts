import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { databaseUrl } from "./src/db/database-url.js";

// The CLI (migrate deploy/diff/status) talks to the same SQLite file the gateway opens,
// through the same driver adapter, so no schema-engine binary is ever downloaded.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaBetterSQLite3({ url: databaseUrl(process.env) });
  },
});
