import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A data folder whose gateway.db has every migration applied; tests copy it. */
    templateDataDir: string;
  }
}

/** Migrates one database for the whole run; each test copies it. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "gateway-template-"));
  await migrateDatabase(`file:${join(dir, "gateway.db")}`);
  project.provide("templateDataDir", dir);
  return () => rm(dir, { recursive: true, force: true });
}
