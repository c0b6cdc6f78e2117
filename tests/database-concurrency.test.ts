import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, inject, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { databaseUrl } from "../src/db/database-url.js";
import { cleanEnv } from "./helpers/clean-env.js";

const PROCESSES = 5;
const WRITERS_PER_PROCESS = 10;
// 60 s as the hardening issue asks; DB_WRITERS_SECONDS shortens it while developing.
const SECONDS = Number(process.env.DB_WRITERS_SECONDS ?? 60);
const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");

it(
  `${PROCESSES * WRITERS_PER_PROCESS} writers in ${PROCESSES} processes for ${SECONDS} s: no SQLITE_BUSY, no lost row`,
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-writers-"));
    await copyFile(join(inject("templateDataDir"), "gateway.db"), join(dataDir, "gateway.db"));
    const deadline = Date.now() + SECONDS * 1000;
    try {
      const outputs = await Promise.all(
        Array.from({ length: PROCESSES }, (_, index) =>
          promisify(execFile)(tsx, [join(import.meta.dirname, "helpers/db-writer.ts")], {
            env: cleanEnv({
              DATA_DIR: dataDir,
              PROCESS_INDEX: String(index),
              WRITERS: String(WRITERS_PER_PROCESS),
              DEADLINE: String(deadline),
            }),
          }),
        ),
      );
      const reports = outputs.map((o) => JSON.parse(o.stdout.trim().split("\n").at(-1) as string));
      const total = (key: string) => reports.reduce((sum, r) => sum + r.counts[key], 0);
      const db = await openDatabase(databaseUrl({ DATA_DIR: dataDir }));
      const pulls = await db.pull.aggregate({ _sum: { bytesDone: true }, _count: true });
      const runs = await db.inferenceRun.count();
      const models = await db.modelRecord.count();
      await db.$disconnect();

      expect(reports.map((r) => r.errors)).toEqual(reports.map(() => []));
      expect(pulls._count).toBe(PROCESSES * WRITERS_PER_PROCESS);
      expect(Number(pulls._sum.bytesDone)).toBe(total("pullUpdates"));
      expect(runs).toBe(total("inferenceRuns"));
      expect(models).toBe(PROCESSES * WRITERS_PER_PROCESS);
      expect(total("modelUpserts")).toBeGreaterThan(0);
      // Contention, not turns: every process wrote each kind of row, and all wrote at the same time.
      for (const report of reports) {
        expect(Object.values(report.counts).every((count) => (count as number) > 0)).toBe(true);
      }
      const latestStart = Math.max(...reports.map((report) => report.firstWriteAt));
      const earliestEnd = Math.min(...reports.map((report) => report.lastWriteAt));
      expect(latestStart).toBeLessThan(earliestEnd);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  (SECONDS + 60) * 1000,
);
