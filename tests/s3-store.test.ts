import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleModels } from "../src/registries/local/sample-models.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry, seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { pullToEnd } from "./helpers/pulls.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { Bucket } from "./helpers/services/bucket.js";
import { type S3Server, startS3 } from "./helpers/services/s3-server.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const pair = Buffer.from(sampleModels().find((model) => model.path === "pair-classifier.onnx")?.bytes as Uint8Array);
const embedding = (name: string, value: number) => ({
  name,
  elementType: "FLOAT32",
  shape: [1, 8],
  data: Array(8).fill(value),
});
const inputs = [embedding("left", 0.25), embedding("right", 0.75)];
const weightsA = seededBytes(700_000, 1);
const weightsB = seededBytes(700_000, 2);

let s3: S3Server;
let bucket: Bucket;
let files: FileServer;
let registry: FakePullRegistry;
beforeAll(async () => {
  s3 = await startS3();
  bucket = new Bucket(s3.endpoint);
  files = await FileServer.start();
  registry = new FakePullRegistry("remote", files.url)
    .add("org/a", { "model.onnx": pair, "config.json": Buffer.from('{"a":1}'), "weights.bin": weightsA }, files)
    .add("org/b", { "model.onnx": pair, "config.json": Buffer.from('{"b":2}'), "weights.bin": weightsB }, files);
});
afterAll(async () => {
  bucket.close();
  await files.close();
  await s3.stop();
});

/** A gateway (its own database and disk, as a replica on another machine has) on the bucket under `prefix`. */
function replica(prefix: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ registries: new RegistrySet([registry]), env: { ...s3.env(prefix), ...env } });
}

const gets = (id: string, path: string) => files.gets(registry.filePath(id, path)).length;
const newPrefix = () => `test-${randomUUID().slice(0, 8)}/`;

describe("an S3 model store", () => {
  it("stores each file once by sha256, and a pull of bytes the bucket holds transfers nothing, on any replica", async () => {
    const prefix = newPrefix();
    const a = await replica(prefix);
    const b = await replica(prefix);
    const before = gets("org/a", "model.onnx") + gets("org/b", "model.onnx");

    expect((await pullToEnd(a, "remote:org/a")).status).toBe("SUCCEEDED");
    const again = await pullToEnd(b, "remote:org/a");
    const other = await pullToEnd(b, "remote:org/b");

    expect(again.files.map((f) => f.status)).toEqual(["CACHED", "CACHED"]);
    expect(other.files).toEqual([
      expect.objectContaining({ path: "config.json", status: "VERIFIED" }),
      expect.objectContaining({ path: "model.onnx", status: "CACHED" }),
    ]);
    expect(gets("org/a", "model.onnx") + gets("org/b", "model.onnx") - before).toBe(1);
    const shas = [pair, Buffer.from('{"a":1}'), Buffer.from('{"b":2}')].map(sha256).sort();
    expect(await bucket.keys(`${prefix}blobs/`)).toEqual(shas);
    const { data } = await b.graphql<{ cache: { models: Array<{ ref: string; files: number }> } }>(
      `{ cache { models { ref files } } artifact(sha256: "${sha256(pair)}") { cached } }`,
    );
    expect(data).toEqual({
      cache: {
        models: [
          { ref: "remote:org/a", files: 2 },
          { ref: "remote:org/b", files: 2 },
        ],
      },
      artifact: { cached: true },
    });
  });

  it("runs a model a replica never pulled, bringing its snapshot to that replica's disk, bounded by CACHE_LOCAL_MAX_BYTES", async () => {
    const prefix = newPrefix();
    const puller = await replica(prefix);
    for (const id of ["org/a", "org/b"]) await pullToEnd(puller, `remote:${id}`, { files: ["*.onnx", "*.bin"] });
    const runner = await replica(prefix, { CACHE_LOCAL_MAX_BYTES: String(1024 * 1024) });
    const local = async (id: string) =>
      (
        await readdir(
          join(runner.app.services.config.pulls.cacheDir, `models--remote--${id.replace("/", "--")}`, "blobs"),
        ).catch(() => [])
      )
        .filter((name) => /^[0-9a-f]{64}$/.test(name))
        .sort();

    const first = await runOk(runner, { model: "remote:org/a", pull: false, inputs });
    const withA = await local("org/a");
    await runOk(runner, { model: "remote:org/b", pull: false, inputs });
    const afterB = { a: await local("org/a"), b: await local("org/b") };
    const again = await runOk(runner, { model: "remote:org/a", pull: false, inputs });

    expect(withA).toEqual([sha256(pair), sha256(weightsA)].sort());
    // Both weights do not fit in 1 MiB: A's, used least recently, went; B's snapshot is whole.
    expect(afterB.a).not.toContain(sha256(weightsA));
    expect(afterB.b).toEqual([sha256(pair), sha256(weightsB)].sort());
    expect(again.outputs).toEqual(first.outputs);
  });

  it("refuses a blob whose bytes in the bucket are not its sha256 when a replica brings it to disk", async () => {
    const prefix = newPrefix();
    await pullToEnd(await replica(prefix), "remote:org/a");
    await bucket.put(`${prefix}blobs/${sha256(pair)}`, Buffer.concat([pair, Buffer.from("tampered")]));

    const result = await runInference(await replica(prefix), { model: "remote:org/a", pull: false, inputs });

    expect(result).toMatchObject({ __typename: "GatewayError", code: "INTEGRITY_ERROR" });
  });

  it("removes a model's objects and the blobs no other model names, from every replica's view", async () => {
    const prefix = newPrefix();
    const a = await replica(prefix);
    for (const id of ["org/a", "org/b"]) await pullToEnd(a, `remote:${id}`);
    const b = await replica(prefix);

    const { data } = await b.graphql<{ removeModel: { bytesFreed: number; files: number } }>(
      `mutation { removeModel(ref: "remote:org/a") { ... on RemovedModel { bytesFreed files } } }`,
    );
    const cached = await a.graphql<{ a: { cached: boolean }; b: { cached: boolean } }>(
      `{ a: model(ref: "remote:org/a") { cached } b: model(ref: "remote:org/b") { cached } }`,
    );

    expect(data?.removeModel).toEqual({ bytesFreed: Buffer.from('{"a":1}').length, files: 2 });
    expect(await bucket.keys(`${prefix}blobs/`)).toEqual([pair, Buffer.from('{"b":2}')].map(sha256).sort());
    expect(await bucket.keys(`${prefix}models--remote--org--a/`)).toEqual([]);
    expect(cached.data).toEqual({ a: { cached: false }, b: { cached: true } });
  });
});
