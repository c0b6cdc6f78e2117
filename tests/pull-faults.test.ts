import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { commitOf, FakePullRegistry, seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { getPull, pullToEnd, startPull, waitForPull } from "./helpers/pulls.js";
import { cachedFiles, startTestApp, type TestApp } from "./helpers/test-app.js";

/** A file server (a new one, or the given one) with the model, and a gateway pulling from it. */
async function start(
  files: Record<string, Buffer>,
  { server, ...options }: { dataDir?: string; env?: Record<string, string>; server?: FileServer } = {},
) {
  server ??= await FileServer.start();
  const registry = new FakePullRegistry("fake", server.url).add("org/m", files, server);
  const gateway = await startTestApp({ registries: new RegistrySet([registry]), ...options });
  return {
    server,
    registry,
    gateway,
    snapshot: join(gateway.dataDir, "cache", "models--fake--org--m", "snapshots", commitOf("org/m")),
  };
}

/** A small seeded generator (mulberry32): the same seed, the same cuts. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Names of the files in a model's blobs folder that are not verified blobs. */
async function leftovers(gateway: TestApp): Promise<string[]> {
  const files = await cachedFiles(gateway);
  return files.filter((file) => file.includes("/blobs/") && !/\/blobs\/[0-9a-f]{64}$/.test(file));
}

describe("a pull against a faulty file server", () => {
  it("resumes connections cut at random offsets (24 files) and verifies every file", async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 24; i++)
      files[`shard-${String(i).padStart(2, "0")}.onnx`] = seededBytes(40_000 + i * 7_919, 100 + i);
    const { gateway, registry, snapshot, server } = await start(files);
    const cuts = new Map<string, number[]>();
    // Random, but reproducible: a failure names its seed; PULL_FAULTS_SEED replays it.
    const seed = Number(process.env.PULL_FAULTS_SEED ?? Date.now() % 2 ** 31);
    const random = seededRandom(seed);
    for (const [path, bytes] of Object.entries(files)) {
      // One to three cuts per file, each at a random offset of its response's body (a resumed
      // response starts where the last one broke off); together they stay short of the whole file.
      const offsets = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        Math.floor(random() * bytes.length * 0.25),
      );
      cuts.set(path, offsets);
      server.fault(registry.filePath("org/m", path), { cutAfter: [...offsets] });
    }

    const pull = await pullToEnd(gateway, "fake:org/m");

    const replay = `PULL_FAULTS_SEED=${seed}`;
    expect(pull.status, replay).toBe("SUCCEEDED");
    expect(pull.attempts, replay).toBe(1 + [...cuts.values()].reduce((sum, offsets) => sum + offsets.length, 0));
    for (const [path, bytes] of Object.entries(files)) {
      expect(sha256(await readFile(join(snapshot, path))), `${path} ${replay}`).toBe(sha256(bytes));
      const gets = server.gets(registry.filePath("org/m", path));
      expect(gets, `${path} ${replay}`).toHaveLength((cuts.get(path)?.length ?? 0) + 1);
      // Every resume asked for exactly the bytes not yet received.
      let received = 0;
      for (const get of gets) {
        expect(get.range, `${path} ${replay}`).toBe(received === 0 ? null : `bytes=${received}-`);
        received += get.bytesSent;
      }
      expect(received, replay).toBe(bytes.length);
    }
    expect(await leftovers(gateway)).toEqual([]);
  });

  it("drops a connection that stops sending and resumes on a new one", async () => {
    const bytes = seededBytes(200_000, 12);
    const { gateway, registry, snapshot, server } = await start(
      { "model.onnx": bytes },
      { env: { PULL_STALL_TIMEOUT_MS: "300" } },
    );
    const path = registry.filePath("org/m", "model.onnx");
    server.fault(path, { stallAfter: [70_000] });

    const pull = await pullToEnd(gateway, "fake:org/m");

    expect(pull).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    expect(server.gets(path).map((r) => [r.range, r.bytesSent])).toEqual([
      [null, 70_000],
      ["bytes=70000-", 130_000],
    ]);
    expect(await readFile(join(snapshot, "model.onnx"))).toEqual(bytes);
  });

  it("fails with INTEGRITY_ERROR on a corrupted byte and leaves nothing in place", async () => {
    const bytes = seededBytes(200_000, 7);
    const { gateway, registry, server } = await start({ "model.onnx": bytes });
    server.fault(registry.filePath("org/m", "model.onnx"), { corrupt: true });

    const pull = await pullToEnd(gateway, "fake:org/m");

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(pull.errorMessage).toMatch(/model.onnx of fake:org\/m failed verification \(sha256 [0-9a-f]{64} where/);
    expect(pull.files[0]?.status).toBe("FAILED");
    // Not a byte of the model is left: its folder went with the failure (the cache itself remains).
    expect(await readdir(join(gateway.dataDir, "cache"))).toEqual([]);
    const model = await gateway.graphql<{ model: { cached: boolean } }>('{ model(ref: "fake:org/m") { cached } }');
    expect(model.data?.model.cached).toBe(false);
  });

  it("starts a file over when the server ignores the Range request", async () => {
    const bytes = seededBytes(300_000, 8);
    const { gateway, registry, snapshot, server } = await start({ "model.onnx": bytes });
    const path = registry.filePath("org/m", "model.onnx");
    server.fault(path, { cutAfter: [120_000], ignoreRangeOnce: true });

    const pull = await pullToEnd(gateway, "fake:org/m");

    expect(pull.status).toBe("SUCCEEDED");
    expect(server.gets(path).map((r) => [r.range, r.status, r.bytesSent])).toEqual([
      [null, 200, 120_000],
      ["bytes=120000-", 200, 300_000],
    ]);
    expect(await readFile(join(snapshot, "model.onnx"))).toEqual(bytes);
  });

  it("shares one download per file among eight simultaneous pulls of a model", async () => {
    const files = { "model.onnx": seededBytes(400_000, 9), "config.json": seededBytes(30_000, 10) };
    const { gateway, registry, snapshot, server } = await start(files);
    for (const path of Object.keys(files)) {
      server.fault(registry.filePath("org/m", path), { slow: { chunkBytes: 32_768, pauseMs: 15 } });
    }

    const started = await Promise.all(Array.from({ length: 8 }, () => startPull(gateway, "fake:org/m")));
    const pulls = await Promise.all(started.map((pull) => waitForPull(gateway, pull.id)));

    expect(pulls.map((p) => p.status)).toEqual(Array(8).fill("SUCCEEDED"));
    // Every pull waited on the one transfer per file, so each reports the files as downloaded.
    expect(pulls.every((p) => p.files.every((f) => f.status === "VERIFIED"))).toBe(true);
    for (const path of Object.keys(files)) expect(server.gets(registry.filePath("org/m", path))).toHaveLength(1);
    expect(await readFile(join(snapshot, "model.onnx"))).toEqual(files["model.onnx"]);
  });

  it("lets two gateways share a database and a cache: the second sees the first's pull running and waits on its lock", async () => {
    const files = { "model.onnx": seededBytes(300_000, 11) };
    const first = await start(files);
    const path = first.registry.filePath("org/m", "model.onnx");
    first.server.fault(path, { slow: { chunkBytes: 32_768, pauseMs: 10 } });
    const a = await startPull(first.gateway, "fake:org/m");
    await waitForPull(first.gateway, a.id, (pull) => pull.bytesDone > 0);

    const second = await start(files, { dataDir: first.gateway.dataDir, server: first.server });
    const seen = await getPull(second.gateway, a.id);
    const b = await startPull(second.gateway, "fake:org/m");
    const [doneA, doneB] = await Promise.all([waitForPull(first.gateway, a.id), waitForPull(second.gateway, b.id)]);

    expect(seen.status).toBe("RUNNING");
    expect([doneA.files[0]?.status, doneB.files[0]?.status]).toEqual(["VERIFIED", "CACHED"]);
    expect(first.server.gets(path)).toHaveLength(1);
    expect(await readFile(join(first.snapshot, "model.onnx"))).toEqual(files["model.onnx"]);
  });

  it("fails at once, saying it once, when the file's host does not resolve (an offline gateway)", async () => {
    const registry = new FakePullRegistry("fake", "http://files.gateway-test.invalid").add("org/m", {
      "model.onnx": seededBytes(1000, 3),
    });
    const gateway = await startTestApp({ registries: new RegistrySet([registry]) });

    const pull = await pullToEnd(gateway, "fake:org/m");

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "REGISTRY_UNAVAILABLE", attempts: 1 });
    expect(pull.errorMessage).toMatch(
      /^Registry fake is unavailable: the download of model\.onnx failed: the host name does not resolve/,
    );
    expect(pull.errorMessage?.match(/unavailable/g)).toHaveLength(1);
  });
});
