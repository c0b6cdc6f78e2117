import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The CLI's view of the PostgreSQL schema, for `prisma generate` and `prisma migrate diff` (the
// JS engine needs an adapter, which those commands never connect with). Migrations are applied by
// src/db/migrate.ts: Prisma 6.19's `migrate deploy` fails through the pg adapter (prisma/orm#27403).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://localhost/gateway" });
  },
});
