import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it, onTestFinished } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { runOk } from "./helpers/run-inference.js";
import { copyTemplateDatabase, startTestApp } from "./helpers/test-app.js";

/** A data folder with the migrated database, removed when the test ends (after the gateways on it close). */
async function dataFolder(prefix: string): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  await copyTemplateDatabase(dataDir);
  return dataDir;
}

const run = (id: string, daysAgo: number) => ({
  id,
  ref: "local:mlp-classifier",
  registry: "local",
  modelId: "mlp-classifier",
  requestedProvider: "AUTO",
  status: "SUCCEEDED",
  inputs: [],
  outputs: [],
  createdAt: new Date(Date.now() - daysAgo * 24 * 3600 * 1000),
});

it("deletes inference runs older than INFERENCE_HISTORY_DAYS when it starts, and keeps the recent ones", async () => {
  const dataDir = await dataFolder("gateway-retention-");
  const first = await startTestApp({ dataDir });
  await first.app.services.db.inferenceRun.createMany({ data: [run("old", 10), run("recent", 2)] });
  await first.close();

  const gateway = await startTestApp({ dataDir, env: { INFERENCE_HISTORY_DAYS: "7" } });
  await expect
    .poll(async () => (await gateway.app.services.db.inferenceRun.findMany())?.map((r) => r.id))
    .toEqual(["recent"]);
});

it("writes a run's history row behind the call, and by the time the gateway has closed (as on SIGTERM)", async () => {
  const dataDir = await dataFolder("gateway-history-");
  const first = await startTestApp({ dataDir });
  const { runId } = await runOk(first, {
    model: "local:mlp-classifier",
    inputs: [{ name: "features", elementType: "FLOAT32", shape: [1, 4], data: [1, 2, 3, 4] }],
  });
  await first.close();

  const db = await openDatabase(`file:${join(dataDir, "gateway.db")}`);
  try {
    const row = await db.inferenceRun.findUnique({ where: { id: runId } });
    expect(row).toMatchObject({ ref: "local:mlp-classifier", status: "SUCCEEDED", provider: "CPU" });
  } finally {
    await db.$disconnect();
  }
});
