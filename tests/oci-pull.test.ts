import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportToOllama } from "../scripts/ollama-export.js";
import { parseModelRef } from "../src/domain/model-ref.js";
import { cleanEnv } from "./helpers/clean-env.js";
import { dockerRegistryInstalled, needsDockerRegistry } from "./helpers/docker-registry.js";
import { ONNX_GRAPH, ollamaModel, onnxArtifact } from "./helpers/oci-models.js";
import { digestOf, type Pushed } from "./helpers/oci-push.js";
import { type OciSetup, startGatewayWith, startOciSetup } from "./helpers/oci-setup.js";
import { pullToEnd } from "./helpers/pulls.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { cachedFiles } from "./helpers/test-app.js";

const hex = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let setup: OciSetup;
const pushed: Record<string, Pushed> = {};
const WEIGHTS_BYTES = 256 * 1024;
const model = ollamaModel({ weightsBytes: WEIGHTS_BYTES, contextLength: 4096 });
const weights = model.layers[0]?.bytes as Buffer;

describe.skipIf(!dockerRegistryInstalled())(needsDockerRegistry("pulling from an OCI registry"), () => {
  beforeAll(async () => {
    setup = await startOciSetup();
    pushed.tiny = await setup.pusher.pushImage("library/tinyllama", "1b", model);
    pushed.onnx = await setup.pusher.pushImage("acme/doubler", "v1", onnxArtifact());
  });
  afterAll(() => setup?.close());

  /** The built-in ollama instance, reading the registry through the proxy. */
  const ollamaGateway = () =>
    startGatewayWith(null, {
      REGISTRIES: "local,ollama",
      OLLAMA_REGISTRY: setup.proxy.url,
      PULL_STALL_TIMEOUT_MS: "5000",
    });

  it("pulls an Ollama model: every layer verified into the cache under the manifest's digest, the manifest kept beside them", async () => {
    const gateway = await ollamaGateway();

    const pull = await pullToEnd(gateway, "ollama:tinyllama@1b");

    const digest = pushed.tiny?.digest as string;
    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: digest, errorCode: null });
    expect(pull.files.map((file) => [file.path, file.status])).toEqual([
      [".oci/config.json", "VERIFIED"],
      [".oci/manifest.json", "VERIFIED"],
      ["model.gguf", "VERIFIED"],
      ["params.json", "VERIFIED"],
      ["template", "VERIFIED"],
    ]);
    const snapshot = join(gateway.dataDir, "cache", "models--ollama--library--tinyllama", "snapshots", digest);
    expect(await readFile(join(snapshot, "model.gguf"))).toEqual(weights);
    expect(await readlink(join(snapshot, "model.gguf"))).toBe(`../../blobs/${hex(weights)}`);
    expect(await readFile(join(snapshot, ".oci/manifest.json"))).toEqual(pushed.tiny?.manifest);
    const refFile = join(gateway.dataDir, "cache", "models--ollama--library--tinyllama", "refs", "1b");
    expect(await readFile(refFile, "utf8")).toBe(digest);
    // Ollama's registry is not known to serve manifests by digest: the pull asks for the tag only.
    expect(setup.proxy.requests.filter((request) => request.path.includes("/manifests/sha256:"))).toEqual([]);
  });

  it("resumes a blob whose connection broke off with a Range request from the bytes it has", async () => {
    const gateway = await ollamaGateway();
    const cutAt = 100_000;
    setup.proxy.cutBlob(digestOf(weights), cutAt);
    const seen = setup.proxy.requests.length;

    const pull = await pullToEnd(gateway, "ollama:library/tinyllama@1b", { files: ["model.gguf"] });

    expect(pull).toMatchObject({ status: "SUCCEEDED", bytesDone: WEIGHTS_BYTES });
    expect(pull.attempts).toBeGreaterThanOrEqual(1);
    const blobGets = setup.proxy.requests
      .slice(seen)
      .filter((request) => request.path === `/v2/library/tinyllama/blobs/${digestOf(weights)}`);
    expect(blobGets.map((request) => request.range)).toEqual([null, `bytes=${cutAt}-`]);
    const snapshot = join(gateway.dataDir, "cache", "models--ollama--library--tinyllama", "snapshots");
    expect(await readFile(join(snapshot, pushed.tiny?.digest as string, "model.gguf"))).toEqual(weights);
  });

  it("runs an ONNX artifact pushed with ORAS through runInference once pulled", async () => {
    const gateway = await startGatewayWith([{ name: "team", kind: "oci", endpoint: setup.registry.url }], {
      REGISTRIES: "local,team",
    });

    const result = await runOk(gateway, {
      model: "team:acme/doubler@v1",
      inputs: [{ name: "x", elementType: "FLOAT32", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
    });

    expect(result.file).toBe("model.onnx");
    expect(result.fileSha256).toBe(hex(ONNX_GRAPH));
    expect(result.outputs).toEqual([
      { name: "doubled", elementType: "FLOAT32", shape: [2, 3], data: [2, 4, 6, 8, 10, 12], base64: null },
    ]);
  });

  it("refuses to run a GGUF model with UNSUPPORTED_MODEL_FORMAT, before pulling its weights", async () => {
    const gateway = await ollamaGateway();

    const refused = await runInference(gateway, {
      model: "ollama:tinyllama@1b",
      inputs: [{ name: "x", elementType: "FLOAT32", shape: [1], data: [1] }],
    });
    const cache = await cachedFiles(gateway);

    expect(refused).toMatchObject({ __typename: "GatewayError", code: "UNSUPPORTED_MODEL_FORMAT" });
    expect(refused.__typename === "GatewayError" && refused.message).toMatch(/is a GGUF model; runInference runs ONNX/);
    expect(cache).toEqual([]);
  });

  it("exports a pulled Ollama model into Ollama's layout: the manifest by name and tag, each blob hard-linked", async () => {
    const gateway = await ollamaGateway();
    await pullToEnd(gateway, "ollama:tinyllama@1b");
    const to = await mkdtemp(join(tmpdir(), "ollama-models-"));
    try {
      const cacheDir = join(gateway.dataDir, "cache");
      const host = new URL(setup.proxy.url).host;
      const request = { cacheDir, ref: parseModelRef("ollama:tinyllama@1b"), host, namespace: "library", to };

      const result = await exportToOllama(request);
      const again = await exportToOllama(request);

      const manifestPath = join(to, "manifests", host, "library", "tinyllama", "1b");
      expect(result.manifestPath).toBe(manifestPath);
      expect(result.name).toBe(`${host}/library/tinyllama:1b`);
      expect(await readFile(manifestPath)).toEqual(pushed.tiny?.manifest);
      const blobs = [model.config.bytes, ...model.layers.map((layer) => layer.bytes)];
      expect(result.blobs.map((blob) => blob.path)).toEqual(
        blobs.map((bytes) => join(to, "blobs", `sha256-${hex(bytes)}`)),
      );
      expect(result.blobs.every((blob) => blob.how === "linked")).toBe(true);
      expect(again.blobs.every((blob) => blob.how === "present")).toBe(true);
      const exported = await stat(join(to, "blobs", `sha256-${hex(weights)}`));
      const cached = await stat(join(cacheDir, "models--ollama--library--tinyllama", "blobs", hex(weights)));
      expect(exported.ino).toBe(cached.ino);
    } finally {
      await rm(to, { recursive: true, force: true });
    }
  });

  it("exports through npm run ollama:export, and refuses a model that is not cached", async () => {
    const gateway = await ollamaGateway();
    await pullToEnd(gateway, "ollama:tinyllama@1b");
    const to = await mkdtemp(join(tmpdir(), "ollama-models-"));
    const env = cleanEnv({
      DATA_DIR: gateway.dataDir,
      REGISTRIES: "local,ollama",
      OLLAMA_REGISTRY: "https://registry.ollama.ai",
    });
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/ollama-export.ts", ...args], { env }).catch(
        (error: { stderr: string; code: number }) => ({ stdout: "", stderr: error.stderr, code: error.code }),
      );
    try {
      const exported = await run("ollama:tinyllama@1b", "--to", to);
      const missing = await run("ollama:qwen@7b", "--to", to);

      expect(exported.stdout).toContain("ollama run tinyllama:1b");
      expect(await readFile(join(to, "manifests", "registry.ollama.ai", "library", "tinyllama", "1b"))).toEqual(
        pushed.tiny?.manifest,
      );
      expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("is not in the cache") });
    } finally {
      await rm(to, { recursive: true, force: true });
    }
  });
});
