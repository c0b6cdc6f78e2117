import { createHash } from "node:crypto";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { buildOnnxModel } from "../src/onnx/build-model.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

// Started in beforeEach, the gateway closes itself when each test ends.
let gateway: TestApp;
beforeEach(async () => {
  gateway = await startTestApp();
});

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref registry id name author description task tags format license sizeBytes revision opset irVersion producer
    brokenReason cached stale
    files { path sizeBytes sha256 }
    inputs { name elementType shape }
    outputs { name elementType shape }
    metadata { key value }
  }
}`;

const SEARCH = `query Search($query: String, $filter: ModelFilter) {
  searchModels(query: $query, filter: $filter) { edges { node { ref brokenReason } } failures { registry } }
}`;

type SearchData = { searchModels: { edges: Array<{ node: { ref: string; brokenReason: string | null } }> } };

/** A logger that keeps its warning lines, for counting them. */
function countingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("warn", stream), warnings: () => lines };
}

const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

describe("local registry", () => {
  it("reads a folder model's signature, metadata and file hashes from the ONNX protobuf and model.json", async () => {
    const { data, errors } = await gateway.graphql(MODEL, { ref: "local:mlp-classifier" });

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({
      ref: "local:mlp-classifier",
      registry: "local",
      id: "mlp-classifier",
      name: "mlp-classifier",
      author: "model-gateway",
      description: expect.stringContaining("multilayer perceptron"),
      task: "tabular-classification",
      tags: ["sample", "classifier", "tabular", "onnx"],
      format: "ONNX",
      license: "MIT",
      sizeBytes: expect.any(Number),
      revision: null,
      opset: 17,
      irVersion: 8,
      producer: "model-gateway 1",
      brokenReason: null,
      cached: true,
      stale: false,
      files: [
        {
          path: "model.json",
          sizeBytes: expect.any(Number),
          sha256: await sha256(join(gateway.modelsDir, "mlp-classifier/model.json")),
        },
        {
          path: "model.onnx",
          sizeBytes: expect.any(Number),
          sha256: await sha256(join(gateway.modelsDir, "mlp-classifier/model.onnx")),
        },
      ],
      inputs: [{ name: "features", elementType: "FLOAT32", shape: ["batch", 4] }],
      outputs: [{ name: "probabilities", elementType: "FLOAT32", shape: ["batch", 3] }],
      metadata: [{ key: "sample", value: "true" }],
    });
  });

  it("reads a single-file model with two inputs", async () => {
    const { data } = await gateway.graphql<{ model: Record<string, unknown> }>(MODEL, { ref: "local:pair-classifier" });

    expect(data?.model.inputs).toEqual([
      { name: "left", elementType: "FLOAT32", shape: ["batch", 8] },
      { name: "right", elementType: "FLOAT32", shape: ["batch", 8] },
    ]);
    expect(data?.model.files).toEqual([
      {
        path: "pair-classifier.onnx",
        sizeBytes: 571,
        sha256: await sha256(join(gateway.modelsDir, "pair-classifier.onnx")),
      },
    ]);
  });

  it("finds the seeded samples by words in their names, tags and descriptions", async () => {
    const byName = await gateway.graphql<SearchData>(SEARCH, { query: "classifier" });
    const byTag = await gateway.graphql<SearchData>(SEARCH, { query: "tabular" });
    const byTask = await gateway.graphql<SearchData>(SEARCH, { filter: { task: "tabular-classification" } });
    const none = await gateway.graphql<SearchData>(SEARCH, { query: "classifier", filter: { format: "GGUF" } });

    expect(byName.data?.searchModels.edges.map((e) => e.node.ref)).toEqual([
      "local:mlp-classifier",
      "local:pair-classifier",
    ]);
    expect(byTag.data?.searchModels.edges.map((e) => e.node.ref)).toEqual(["local:mlp-classifier"]);
    expect(byTask.data?.searchModels.edges.map((e) => e.node.ref)).toEqual(["local:mlp-classifier"]);
    expect(none.data?.searchModels.edges).toEqual([]);
  });

  it("shows models added and removed while running, without a restart", async () => {
    const model = buildOnnxModel({
      inputs: [{ name: "x", elementType: "INT64", shape: [2, "n"] }],
      outputs: [{ name: "y", elementType: "INT64", shape: [2, "n"] }],
      nodes: [{ op: "Identity", inputs: ["x"], outputs: ["y"] }],
    });
    await writeFile(join(gateway.modelsDir, "identity.onnx"), model);
    const added = await gateway.graphql<SearchData>(SEARCH, { query: "identity" });
    const described = await gateway.graphql<{ model: Record<string, unknown> }>(MODEL, { ref: "local:identity" });
    await rm(join(gateway.modelsDir, "identity.onnx"));
    const removed = await gateway.graphql<SearchData>(SEARCH, { query: "identity" });

    expect(added.data?.searchModels.edges.map((e) => e.node.ref)).toEqual(["local:identity"]);
    expect(described.data?.model.inputs).toEqual([{ name: "x", elementType: "INT64", shape: [2, "n"] }]);
    expect(removed.data?.searchModels.edges).toEqual([]);
  });

  it("reports truncated and non-ONNX files as broken without breaking the search", async () => {
    const good = await readFile(join(gateway.modelsDir, "pair-classifier.onnx"));
    await writeFile(join(gateway.modelsDir, "truncated.onnx"), good.subarray(0, good.length - 40));
    await mkdir(join(gateway.modelsDir, "not-a-model"));
    await writeFile(join(gateway.modelsDir, "not-a-model", "model.onnx"), "this is a text file, not a protobuf\n");

    const { data, errors } = await gateway.graphql<SearchData>(SEARCH, {});
    const broken = Object.fromEntries(data?.searchModels.edges.map((e) => [e.node.ref, e.node.brokenReason]) ?? []);

    expect(errors).toBeUndefined();
    expect(broken["local:mlp-classifier"]).toBeNull();
    expect(broken["local:truncated"]).toMatch(/^truncated or not an ONNX model/);
    expect(broken["local:not-a-model"]).toMatch(/not an ONNX model/);
  });

  it("notices a model file replaced in place and reads it again", async () => {
    const path = join(gateway.modelsDir, "pair-classifier.onnx");
    const before = await gateway.graphql<{ model: { files: Array<{ sha256: string }> } }>(MODEL, {
      ref: "local:pair-classifier",
    });
    await writeFile(
      path,
      buildOnnxModel({
        inputs: [{ name: "only", elementType: "FLOAT32", shape: [1] }],
        outputs: [{ name: "out", elementType: "FLOAT32", shape: [1] }],
        nodes: [{ op: "Identity", inputs: ["only"], outputs: ["out"] }],
      }),
    );
    const after = await gateway.graphql<{ model: { inputs: unknown; files: Array<{ sha256: string }> } }>(MODEL, {
      ref: "local:pair-classifier",
    });

    expect(after.data?.model.inputs).toEqual([{ name: "only", elementType: "FLOAT32", shape: [1] }]);
    expect(after.data?.model.files[0]?.sha256).toBe(await sha256(path));
    expect(after.data?.model.files[0]?.sha256).not.toBe(before.data?.model.files[0]?.sha256);
  });

  it("answers a read again from what changed since the last one: a file added deep in a folder, a folder beside a file model, a model gone", async () => {
    const files = async (ref: string) =>
      (
        await gateway.graphql<{ model: { files: Array<{ path: string }> } | null }>(MODEL, { ref })
      ).data?.model?.files.map((file) => file.path);
    const folder = join(gateway.modelsDir, "mlp-classifier");
    const first = await files("local:mlp-classifier");
    await mkdir(join(folder, "extra", "deeper"), { recursive: true });
    await writeFile(join(folder, "extra", "deeper", "vocab.txt"), "a b c\n");
    const withNested = await files("local:mlp-classifier");

    const single = await gateway.graphql<{ model: { name: string } }>(MODEL, { ref: "local:pair-classifier" });
    await mkdir(join(gateway.modelsDir, "pair-classifier"));
    await writeFile(
      join(gateway.modelsDir, "pair-classifier", "model.onnx"),
      await readFile(join(folder, "model.onnx")),
    );
    await writeFile(join(gateway.modelsDir, "pair-classifier", "model.json"), JSON.stringify({ name: "Folder wins" }));
    const replaced = await gateway.graphql<{ model: { name: string } }>(MODEL, { ref: "local:pair-classifier" });

    await rm(folder, { recursive: true });
    const gone = await gateway.graphql(MODEL, { ref: "local:mlp-classifier" });

    expect(withNested).toEqual([...(first ?? []), "extra/deeper/vocab.txt"].sort());
    expect(single.data?.model.name).toBe("pair-classifier");
    expect(replaced.data?.model.name).toBe("Folder wins");
    expect(gone.errors?.map((e) => e.extensions?.code)).toEqual(["MODEL_NOT_FOUND"]);
  });

  it("warns about a broken model.json once per version of the file, not on every request", async () => {
    const { logger, warnings } = countingLogger();
    const own = await startTestApp({ logger });
    try {
      await writeFile(join(own.modelsDir, "mlp-classifier", "model.json"), "{ not json");
      for (let i = 0; i < 3; i++) await own.graphql(SEARCH, { query: "classifier" });

      expect(warnings().filter((line) => /model\.json/.test(line))).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it("never follows a symbolic link out of the folder, while a link inside it counts", async () => {
    const outside = join(gateway.dataDir, "outside-secret.onnx");
    await writeFile(
      outside,
      buildOnnxModel({ inputs: [], outputs: [{ name: "y", elementType: "FLOAT32", shape: [1] }], nodes: [] }),
    );
    await symlink(outside, join(gateway.modelsDir, "leak.onnx"));
    await mkdir(join(gateway.modelsDir, "linked"));
    await symlink("/etc/passwd", join(gateway.modelsDir, "linked", "passwd.txt"));
    await symlink(join(gateway.modelsDir, "pair-classifier.onnx"), join(gateway.modelsDir, "linked", "model.onnx"));

    const leak = await gateway.graphql(MODEL, { ref: "local:leak" });
    const linked = await gateway.graphql<{ model: { files: Array<{ path: string }> } }>(MODEL, { ref: "local:linked" });

    expect(leak.errors?.[0]?.extensions?.code).toBe("MODEL_NOT_FOUND");
    expect(linked.data?.model.files.map((file) => file.path)).toEqual(["model.onnx"]);
  });

  it("names a model whose file name holds spaces or @ with the reference escapes", async () => {
    await writeFile(
      join(gateway.modelsDir, "my model@v2.onnx"),
      await readFile(join(gateway.modelsDir, "pair-classifier.onnx")),
    );

    const search = await gateway.graphql<SearchData>(SEARCH, { query: "model@v2" });
    const model = await gateway.graphql<{ model: { ref: string; id: string } }>(MODEL, {
      ref: "local:my%20model%40v2",
    });

    expect(search.data?.searchModels.edges.map((edge) => edge.node.ref)).toEqual(["local:my%20model%40v2"]);
    expect(model.data?.model).toMatchObject({ ref: "local:my%20model%40v2", id: "my model@v2" });
  });

  it("answers MODEL_NOT_FOUND and REVISION_NOT_FOUND for what the folder does not have", async () => {
    const missing = await gateway.graphql(MODEL, { ref: "local:nothing-here" });
    const revision = await gateway.graphql(MODEL, { ref: "local:mlp-classifier@v2" });

    expect(missing.errors?.map((e) => e.extensions?.code)).toEqual(["MODEL_NOT_FOUND"]);
    expect(revision.errors?.map((e) => e.extensions?.code)).toEqual(["REVISION_NOT_FOUND"]);
  });
});
