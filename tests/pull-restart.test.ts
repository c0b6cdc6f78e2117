import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { startChildGateway } from "./helpers/child-gateway.js";
import { commitOf, FakePullRegistry, seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { getPull, pullToEnd } from "./helpers/pulls.js";
import { copyTemplateDatabase, startTestApp } from "./helpers/test-app.js";

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
});

/** Starts the child gateway and answers its URL once it listens. */
function startChild(env: Record<string, string>): Promise<string> {
  const started = startChildGateway(env);
  child = started.process;
  return started.url;
}

describe("a gateway killed in the middle of a pull", () => {
  it("marks the pull INTERRUPTED at the next start, and the next pull resumes from the partial file", async () => {
    const bytes = seededBytes(2_000_000, 31);
    const server = await FileServer.start();
    const registry = new FakePullRegistry("fake", server.url).add("org/big", { "model.onnx": bytes }, server);
    const path = registry.filePath("org/big", "model.onnx");
    server.fault(path, { slow: { chunkBytes: 16_384, pauseMs: 10 } });
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-restart-"));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true })); // after the gateway on it closes
    await copyTemplateDatabase(dataDir);
    const model = join(dataDir, "cache", "models--fake--org--big");
    const partial = join(model, "blobs", `${sha256(bytes)}.incomplete`);

    const url = await startChild({
      FILE_SERVER_URL: server.url,
      DATA_DIR: dataDir,
      MODEL_ID: "org/big",
      MODEL_BYTES: String(bytes.length),
      MODEL_SEED: "31",
    });
    const started = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: 'mutation { pullModel(ref: "fake:org/big") { ... on Pull { id } } }' }),
    });
    const { id } = ((await started.json()) as { data: { pullModel: { id: string } } }).data.pullModel;
    while (((await stat(partial).catch(() => null))?.size ?? 0) < 300_000) await sleep(20);
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child?.kill("SIGKILL");
    await exited;
    const kept = (await stat(partial)).size;

    server.fault(path, {});
    const gateway = await startTestApp({ registries: new RegistrySet([registry]), dataDir });
    const interrupted = await getPull(gateway, id);
    const resumed = await pullToEnd(gateway, "fake:org/big");

    expect(interrupted.status).toBe("INTERRUPTED");
    expect(resumed.status).toBe("SUCCEEDED");
    const gets = server.gets(path);
    expect(gets).toHaveLength(2);
    expect(gets[1]).toMatchObject({ range: `bytes=${kept}-`, status: 206, bytesSent: bytes.length - kept });
    expect(await readFile(join(model, "snapshots", commitOf("org/big"), "model.onnx"))).toEqual(bytes);
  }, 60_000); // a child gateway through tsx starts slowly on a loaded machine
});
