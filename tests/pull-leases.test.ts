import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, onTestFinished } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry, seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { getPull, pullToEnd, startPull, waitForPull } from "./helpers/pulls.js";
import { copyTemplateDatabase, startTestApp, type TestApp } from "./helpers/test-app.js";

const BYTES = seededBytes(1_500_000, 7);
const LONG_AGO = new Date(Date.now() - 5 * 60_000);
const FOREIGN_OWNER = JSON.stringify({ host: "replaced-container-7f3a", pid: 1, token: randomUUID() });

// The current test's file server and shared data folder; setUp makes both, and both go when the test ends.
let server: FileServer | undefined;
let dataDir: string | undefined;

/** A registry serving one slow 1.5 MB model, and a data folder gateways can share. */
async function setUp(): Promise<{ registry: FakePullRegistry; path: string }> {
  server = await FileServer.start();
  const registry = new FakePullRegistry("fake", server.url).add("org/slow", { "model.onnx": BYTES }, server);
  const path = registry.filePath("org/slow", "model.onnx");
  server.fault(path, { slow: { chunkBytes: 16_384, pauseMs: 20 } });
  const folder = await mkdtemp(join(tmpdir(), "gateway-leases-"));
  // Registered before any gateway on it starts, so it is removed after they have closed.
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  await copyTemplateDatabase(folder);
  dataDir = folder;
  return { registry, path };
}

function gatewayOn(registry: FakePullRegistry): Promise<TestApp> {
  return startTestApp({ registries: new RegistrySet([registry]), dataDir });
}

/** A pull row as a gateway on another host left it: RUNNING, its last heartbeat `heardAt`. */
async function foreignPull(gateway: TestApp, heardAt: Date): Promise<string> {
  const id = randomUUID();
  await gateway.app.services.db.pull.create({
    data: {
      id,
      ref: "fake:org/slow",
      registry: "fake",
      modelId: "org/slow",
      status: "RUNNING",
      patterns: [],
      owner: FOREIGN_OWNER,
      heartbeatAt: heardAt,
      createdAt: heardAt,
      startedAt: heardAt,
      bytesTotal: BigInt(BYTES.length),
      bytesDone: 1234n,
      files: { create: [{ path: "model.onnx", sizeBytes: BigInt(BYTES.length), status: "DOWNLOADING" }] },
    },
  });
  return id;
}

const CANCEL = `mutation($id: ID!) { cancelPull(id: $id) { __typename ... on Pull { status } ... on GatewayError { code message } } }`;

describe("a pull whose owner ran on another host", () => {
  it("is INTERRUPTED at start once its owner has been silent past the lease, and left alone while it is heard", async () => {
    const { registry } = await setUp();
    const first = await gatewayOn(registry);
    const silent = await foreignPull(first, LONG_AGO);
    const heard = await foreignPull(first, new Date());
    await first.close();

    const next = await gatewayOn(registry);

    expect((await getPull(next, silent)).status).toBe("INTERRUPTED");
    expect((await getPull(next, heard)).status).toBe("RUNNING");
  });

  it("can be cancelled once its owner is silent, instead of staying RUNNING for ever", async () => {
    const { registry } = await setUp();
    const gateway = await gatewayOn(registry);
    const id = await foreignPull(gateway, LONG_AGO);

    const { data } = await gateway.graphql<{ cancelPull: { status: string } }>(CANCEL, { id });

    expect(data?.cancelPull).toEqual({ __typename: "Pull", status: "CANCELLED" });
  });

  it("does not hold a new pull of the same file behind its abandoned lock file", async () => {
    const { registry, path } = await setUp();
    server?.fault(path, {});
    const gateway = await gatewayOn(registry);
    const blobs = join(dataDir as string, "cache", "models--fake--org--slow", "blobs");
    const lock = join(blobs, `${sha256(BYTES)}.lock`);
    await mkdir(blobs, { recursive: true });
    await writeFile(lock, FOREIGN_OWNER);
    await utimes(lock, LONG_AGO, LONG_AGO);

    const pull = await pullToEnd(gateway, "fake:org/slow");

    expect(pull.status).toBe("SUCCEEDED");
    expect(await stat(lock).catch(() => null)).toBeNull();
  });
});

describe("a pull another live gateway process runs", () => {
  it("is cancelled by cancelPull on this one, through the database", async () => {
    const { registry } = await setUp();
    const owner = await gatewayOn(registry);
    const other = await gatewayOn(registry);
    const { id } = await startPull(owner, "fake:org/slow");
    await waitForPull(owner, id, (pull) => pull.bytesDone > 100_000);

    const { data } = await other.graphql<{ cancelPull: { status: string } }>(CANCEL, { id });

    expect(data?.cancelPull).toEqual({ __typename: "Pull", status: "CANCELLED" });
    expect((await getPull(owner, id)).status).toBe("CANCELLED");
  });

  it("stops when another process removes the model", async () => {
    const { registry } = await setUp();
    const owner = await gatewayOn(registry);
    const other = await gatewayOn(registry);
    const { id } = await startPull(owner, "fake:org/slow");
    await waitForPull(owner, id, (pull) => pull.bytesDone > 100_000);

    const removed = await other.graphql(`mutation { removeModel(ref: "fake:org/slow") { __typename } }`);
    const stopped = await waitForPull(owner, id);

    expect(removed.errors).toBeUndefined();
    expect(stopped.status).toBe("CANCELLED");
  });
});

describe("a pull that stops early", () => {
  it("keeps each file's bytes in its history when cancelled, matching the pull's", async () => {
    const { registry } = await setUp();
    const gateway = await gatewayOn(registry);
    const { id } = await startPull(gateway, "fake:org/slow");
    await waitForPull(gateway, id, (pull) => pull.bytesDone > 100_000);

    await gateway.graphql(CANCEL, { id });
    const cancelled = await getPull(gateway, id);

    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.files).toEqual([
      expect.objectContaining({ path: "model.onnx", status: "PENDING", bytesDone: cancelled.bytesDone }),
    ]);
    expect(cancelled.bytesDone).toBeGreaterThan(100_000);
  });

  it("leaves no empty model folder in the cache when it fails before any byte arrives", async () => {
    const { registry, path } = await setUp();
    server?.fault(path, { statuses: [404] });
    const gateway = await gatewayOn(registry);

    const failed = await pullToEnd(gateway, "fake:org/slow");

    expect(failed).toMatchObject({ status: "FAILED", errorCode: "FILE_NOT_FOUND" });
    expect(await readdir(join(dataDir as string, "cache"))).toEqual([]);
  });

  it("is resumed from its partial file by a forced pull, not started again from byte 0", async () => {
    const { registry, path } = await setUp();
    const gateway = await gatewayOn(registry);
    const { id } = await startPull(gateway, "fake:org/slow");
    const kept = (await waitForPull(gateway, id, (pull) => pull.bytesDone > 200_000)).bytesDone;
    await gateway.graphql(CANCEL, { id });
    await sleep(50);
    server?.fault(path, {});

    const forced = await pullToEnd(gateway, "fake:org/slow", { force: true });

    expect(forced.status).toBe("SUCCEEDED");
    const resumed = server?.gets(path).at(-1);
    expect(Number(/^bytes=(\d+)-$/.exec(resumed?.range ?? "")?.[1])).toBeGreaterThanOrEqual(kept);
  });
});
