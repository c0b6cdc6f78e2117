import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildWeb } from "../scripts/build-web.js";
import { migrateDatabase } from "../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A data folder whose gateway.db has every migration applied; tests copy it. */
    templateDataDir: string;
  }
}

/**
 * Migrates one database for the whole run; each test copies it. Builds the model browser once
 * too (under a second), so its tests run the code as it is now.
 */
export default async function setup(project: TestProject) {
  await buildWeb();
  const dir = await mkdtemp(join(tmpdir(), "gateway-template-"));
  await migrateDatabase(`file:${join(dir, "gateway.db")}`);
  project.provide("templateDataDir", dir);
  return () => rm(dir, { recursive: true, force: true });
}
