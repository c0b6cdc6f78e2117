import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { databaseUrl } from "../src/db/database-url.js";
import { startChildGateway } from "./helpers/child-gateway.js";
import { FakePullRegistry, seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { copyTemplateDatabase } from "./helpers/test-app.js";

let server: FileServer | undefined;
let dataDir: string | undefined;
let kill: (() => void) | undefined;
afterEach(async () => {
  kill?.();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it("on SIGTERM interrupts the running pull, keeps its partial file, closes the database and exits 0 within 10 s", async () => {
  const bytes = seededBytes(2_000_000, 7);
  server = await FileServer.start();
  const registry = new FakePullRegistry("fake", server.url).add("org/big", { "model.onnx": bytes }, server);
  server.fault(registry.filePath("org/big", "model.onnx"), { slow: { chunkBytes: 16_384, pauseMs: 10 } });
  dataDir = await mkdtemp(join(tmpdir(), "gateway-sigterm-"));
  await copyTemplateDatabase(dataDir);
  const partial = join(dataDir, "cache", "models--fake--org--big", "blobs", `${sha256(bytes)}.incomplete`);
  const child = startChildGateway({
    FILE_SERVER_URL: server.url,
    DATA_DIR: dataDir,
    MODEL_ID: "org/big",
    MODEL_BYTES: String(bytes.length),
    MODEL_SEED: "7",
  });
  kill = () => child.process.kill("SIGKILL");
  const url = await child.url;
  const started = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: 'mutation { pullModel(ref: "fake:org/big") { ... on Pull { id } } }' }),
  });
  const { id } = ((await started.json()) as { data: { pullModel: { id: string } } }).data.pullModel;
  while (((await stat(partial).catch(() => null))?.size ?? 0) < 200_000) await sleep(20);

  const exited = new Promise<number | null>((resolve) => child.process.once("exit", (code) => resolve(code)));
  child.process.kill("SIGTERM");
  const outcome = await Promise.race([exited, sleep(10_000).then(() => "still running after 10 s")]);

  expect(outcome).toBe(0);
  const db = await openDatabase(databaseUrl({ DATA_DIR: dataDir }));
  const pull = await db.pull.findUnique({ where: { id } });
  await db.$disconnect();
  expect(pull?.status).toBe("INTERRUPTED");
  expect((await stat(partial)).size).toBeGreaterThan(0);
});
