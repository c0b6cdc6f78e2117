import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseModelRef } from "../src/domain/model-ref.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { commitOf, FakePullRegistry, SECRET, seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { pullModel, pullToEnd, startPull } from "./helpers/pulls.js";
import { cachedFiles, startTestApp } from "./helpers/test-app.js";

const FILES = {
  "model.onnx": seededBytes(300_000, 1),
  "config.json": Buffer.from('{"hidden_size": 8}'),
  "tokenizer.json": seededBytes(5_000, 2),
  "weights.bin": seededBytes(50_000, 3),
  "README.md": Buffer.from("# tiny"),
};

async function start(env: Record<string, string> = {}) {
  const server = await FileServer.start();
  const registry = new FakePullRegistry("fake", server.url).add("org/tiny", FILES, server);
  const gateway = await startTestApp({ registries: new RegistrySet([registry]), env });
  return { server, registry, gateway, model: join(gateway.dataDir, "cache", "models--fake--org--tiny") };
}

describe("pulling a model", () => {
  it("brings the inference files into the cache, verified, in the Hugging Face layout", async () => {
    const { gateway, server, model } = await start();

    const pull = await pullToEnd(gateway, "fake:org/tiny");

    const commit = commitOf("org/tiny");
    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: commit, errorCode: null, attempts: 1 });
    expect(pull.files.map((f) => [f.path, f.status])).toEqual([
      ["config.json", "VERIFIED"],
      ["model.onnx", "VERIFIED"],
      ["tokenizer.json", "VERIFIED"],
    ]);
    expect(pull.bytesDone).toBe(pull.bytesTotal);
    expect(pull.bytesTotal).toBe(300_000 + 18 + 5_000);
    const onnx = FILES["model.onnx"];
    expect(await readlink(join(model, "snapshots", commit, "model.onnx"))).toBe(`../../blobs/${sha256(onnx)}`);
    expect(await readFile(join(model, "snapshots", commit, "model.onnx"))).toEqual(onnx);
    expect(await readFile(join(model, "refs", "main"), "utf8")).toBe(commit);
    expect((await readdir(join(model, "blobs"))).sort()).toEqual(
      [FILES["model.onnx"], FILES["config.json"], FILES["tokenizer.json"]].map(sha256).sort(),
    );
    expect(server.requests.map((r) => r.authorization)).toEqual([SECRET, SECRET, SECRET]);
  });

  it("finishes at once when the files are cached, and downloads them again with force", async () => {
    const { gateway, server } = await start();
    await pullToEnd(gateway, "fake:org/tiny");
    const before = server.requests.length;

    const again = await startPull(gateway, "fake:org/tiny");
    expect(again.status).toBe("SUCCEEDED");
    expect(again.files.every((f) => f.status === "CACHED")).toBe(true);
    expect(server.requests.length).toBe(before);

    const forced = await pullToEnd(gateway, "fake:org/tiny", { force: true });
    expect(forced.files.every((f) => f.status === "VERIFIED")).toBe(true);
    expect(server.requests.length).toBe(before + 3);
  });

  it("pulls the files matching given patterns, and names a pattern that matches nothing", async () => {
    const { gateway } = await start();

    const pull = await pullToEnd(gateway, "fake:org/tiny", { files: ["*.bin", "README.md"] });
    const typo = await pullModel(gateway, "fake:org/tiny", { files: ["*.onnx", "modle.onnx"] });

    expect(pull.files.map((f) => f.path)).toEqual(["README.md", "weights.bin"]);
    expect(typo).toMatchObject({ __typename: "GatewayError", code: "BAD_USER_INPUT", field: "files" });
    expect((typo as { message: string }).message).toMatch(/"modle.onnx" matches none of the model's 5 files/);
  });

  it("pulls every file of a model without ONNX files by default", async () => {
    const server = await FileServer.start();
    const files = { "model.safetensors": seededBytes(1000, 4), "config.json": Buffer.from("{}") };
    const registry = new FakePullRegistry("fake", server.url).add("org/st", files, server);
    const gateway = await startTestApp({ registries: new RegistrySet([registry]) });

    const pull = await pullToEnd(gateway, "fake:org/st");

    expect(pull.files.map((f) => f.path)).toEqual(["config.json", "model.safetensors"]);
  });

  it("retries server errors and rate limits, and fails with the registry's error otherwise", async () => {
    const { gateway, server, registry } = await start();
    server.fault(registry.filePath("org/tiny", "model.onnx"), { statuses: [503, 429] });
    server.fault(registry.filePath("org/tiny", "weights.bin"), { statuses: [404] });
    server.fault(registry.filePath("org/tiny", "README.md"), { statuses: [401] });

    const retried = await pullToEnd(gateway, "fake:org/tiny", { files: ["model.onnx"] });
    const missing = await pullToEnd(gateway, "fake:org/tiny", { files: ["weights.bin"] });
    const refused = await pullToEnd(gateway, "fake:org/tiny", { files: ["README.md"] });

    expect(retried).toMatchObject({ status: "SUCCEEDED", attempts: 3 });
    expect(missing).toMatchObject({ status: "FAILED", errorCode: "FILE_NOT_FOUND" });
    expect(missing.files[0]?.status).toBe("FAILED");
    expect(refused).toMatchObject({ status: "FAILED", errorCode: "AUTHENTICATION_REQUIRED" });
    expect(refused.errorMessage).toMatch(/HTTP 401/);
  });

  it("runs at most PULL_CONCURRENCY transfers at once", async () => {
    const server = await FileServer.start();
    const files = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`part-${i}.onnx`, seededBytes(100_000, 50 + i)]),
    );
    const registry = new FakePullRegistry("fake", server.url).add("org/parts", files, server);
    for (const path of Object.keys(files)) {
      server.fault(registry.filePath("org/parts", path), { slow: { chunkBytes: 20_000, pauseMs: 20 } });
    }
    const gateway = await startTestApp({ registries: new RegistrySet([registry]), env: { PULL_CONCURRENCY: "2" } });

    const pull = await pullToEnd(gateway, "fake:org/parts");

    expect(pull.status).toBe("SUCCEEDED");
    expect(server.requests).toHaveLength(6);
    expect(server.maxConcurrent).toBe(2);
  });

  it("follows a redirect to another host without the registry's credentials", async () => {
    const { gateway, server, registry } = await start();
    const cdn = await FileServer.start("localhost");
    try {
      const path = registry.filePath("org/tiny", "model.onnx");
      cdn.serve(path, FILES["model.onnx"]);
      server.fault(path, { redirectTo: cdn.url });

      const pull = await pullToEnd(gateway, "fake:org/tiny", { files: ["model.onnx"] });

      expect(pull.status).toBe("SUCCEEDED");
      expect(server.gets(path).map((r) => [r.status, r.authorization])).toEqual([[302, SECRET]]);
      expect(cdn.gets(path).map((r) => [r.status, r.authorization])).toEqual([[200, null]]);
    } finally {
      await cdn.close();
    }
  });

  it("refuses a pull larger than the free space with INSUFFICIENT_STORAGE", async () => {
    const server = await FileServer.start();
    const huge = { bytes: Buffer.from("x"), sizeBytes: 2 ** 52 };
    const registry = new FakePullRegistry("fake", server.url).add("org/huge", { "model.onnx": huge }, server);
    const gateway = await startTestApp({ registries: new RegistrySet([registry]) });

    const result = await pullModel(gateway, "fake:org/huge");

    expect(result).toMatchObject({ __typename: "GatewayError", code: "INSUFFICIENT_STORAGE" });
    expect(server.requests).toEqual([]);
  });

  it("gives inference its seam: ensureCached pulls once, localFile finds the cached file", async () => {
    const { gateway, registry } = await start();
    const ref = parseModelRef("fake:org/tiny");
    const { pulls, cache } = gateway.app.services;

    expect(await cache.localFile(ref, "model.onnx")).toBeNull();
    await pulls.ensureCached(ref, null, new AbortController().signal);
    await pulls.ensureCached(ref, null, new AbortController().signal);
    const path = await cache.localFile(ref, "model.onnx");

    expect(registry.listCalls).toBe(1);
    expect(path).toBe(
      join(gateway.dataDir, "cache", "models--fake--org--tiny", "snapshots", commitOf("org/tiny"), "model.onnx"),
    );
    expect(await readFile(path as string)).toEqual(FILES["model.onnx"]);
    expect(await cache.localFile(ref, "weights.bin")).toBeNull();
    expect(await cache.localFile(ref, "../../../etc/passwd")).toBeNull();
    await expect(
      pulls.ensureCached(parseModelRef("fake:org/none"), null, new AbortController().signal),
    ).rejects.toMatchObject({ code: "MODEL_NOT_FOUND" });
  });
});

describe("local folder models", () => {
  it("are cached already: a pull finishes at once without copying anything", async () => {
    const gateway = await startTestApp();

    const pull = await startPull(gateway, "local:mlp-classifier");
    const model = await gateway.graphql<{ model: { cached: boolean } }>(
      '{ model(ref: "local:mlp-classifier") { cached } }',
    );

    expect(pull.status).toBe("SUCCEEDED");
    expect(pull.files.map((f) => [f.path, f.status])).toEqual([
      ["model.json", "CACHED"],
      ["model.onnx", "CACHED"],
    ]);
    expect(model.data?.model.cached).toBe(true);
    expect(await cachedFiles(gateway)).toEqual([]);
    expect(await gateway.app.services.cache.localFile(parseModelRef("local:mlp-classifier"), "model.onnx")).toBe(
      join(gateway.modelsDir, "mlp-classifier", "model.onnx"),
    );
  });
});
