import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOnnxModel } from "../src/onnx/build-model.js";
import { FileServer } from "./helpers/file-server.js";
import { pullToEnd } from "./helpers/pulls.js";
import { cachedFiles, startTestApp } from "./helpers/test-app.js";
import { REAL_ENTRIES, startManifestServer } from "./helpers/zoo-manifest-server.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A generated model whose signature only its file knows (as for zoo entries without io_ports). */
const generated = Buffer.from(
  buildOnnxModel({
    inputs: [{ name: "pixels", elementType: "FLOAT32", shape: ["N", 3, 8, 8] }],
    outputs: [{ name: "pixels_out", elementType: "FLOAT32", shape: ["N", 3, 8, 8] }],
    nodes: [{ op: "Identity", inputs: ["pixels"], outputs: ["pixels_out"] }],
  }),
);

function entry(model: string, path: string, bytes: Buffer, withPorts: boolean) {
  return {
    model,
    model_path: path,
    onnx_version: "1.14",
    opset_version: 17,
    metadata: {
      model_sha: sha256(bytes),
      model_bytes: bytes.length,
      tags: ["vision", "classification"],
      ...(withPorts
        ? { io_ports: { inputs: [{ name: "pixels", shape: ["N", 3, 8, 8], type: "tensor(float)" }], outputs: [] } }
        : {}),
    },
  };
}

/** The manifest's host, the zoo's file mirror and a gateway over them, all closed when the test ends. */
async function startZoo(entries: unknown[]) {
  const manifest = await startManifestServer(JSON.stringify(entries));
  const files = await FileServer.start();
  const app = await startTestApp({
    env: { REGISTRIES: "onnx-zoo", ONNX_ZOO_MANIFEST_URL: manifest.url, ONNX_ZOO_FILES_URL: `${files.url}/zoo` },
  });
  return { app, files };
}

const MODEL = `query($ref: String!) { model(ref: $ref) { cached inputs { name elementType shape } } }`;

describe("pulling from the ONNX Model Zoo", () => {
  it("pulls a model from the zoo's mirror, verifies its sha256, and reads the signature its entry lacks from the file", async () => {
    const { app, files } = await startZoo([entry("Gen-NoPorts", "validated/gen/gen-17.onnx", generated, false)]);
    files.serve("/zoo/validated/gen/gen-17.onnx", generated);
    const before = await app.graphql<{ model: { cached: boolean; inputs: unknown } }>(MODEL, {
      ref: "onnx-zoo:Gen-NoPorts",
    });

    const pull = await pullToEnd(app, "onnx-zoo:Gen-NoPorts");
    const after = await app.graphql<{ model: { cached: boolean; inputs: unknown } }>(MODEL, {
      ref: "onnx-zoo:Gen-NoPorts",
    });

    expect(before.data?.model).toEqual({ cached: false, inputs: null });
    expect(pull).toMatchObject({
      status: "SUCCEEDED",
      files: [{ path: "gen-17.onnx", status: "VERIFIED", sha256: sha256(generated) }],
    });
    expect(after.data?.model).toEqual({
      cached: true,
      inputs: [{ name: "pixels", elementType: "FLOAT32", shape: ["N", 3, 8, 8] }],
    });
  });

  it("makes an id in any case one model: one cache folder, one history under the zoo's own spelling", async () => {
    const { app, files } = await startZoo([entry("QA-Tiny", "validated/qa/qa-tiny-17.onnx", generated, true)]);
    files.serve("/zoo/validated/qa/qa-tiny-17.onnx", generated);

    const lower = await pullToEnd(app, "onnx-zoo:qa-tiny");
    const upper = await pullToEnd(app, "onnx-zoo:QA-TINY");
    const model = await app.graphql<{ model: { ref: string; cached: boolean } }>(
      `{ model(ref: "onnx-zoo:qa-TINY") { ref cached } }`,
    );
    const history = await app.graphql<{ pulls: { edges: Array<{ node: { ref: string; modelId: string } }> } }>(
      `{ pulls(model: "QA-Tiny") { edges { node { ref modelId } } } }`,
    );

    expect(lower).toMatchObject({ status: "SUCCEEDED", ref: "onnx-zoo:QA-Tiny" });
    expect(upper).toMatchObject({ status: "SUCCEEDED", ref: "onnx-zoo:QA-Tiny", files: [{ status: "CACHED" }] });
    expect(model.data?.model).toEqual({ ref: "onnx-zoo:QA-Tiny", cached: true });
    expect(history.data?.pulls.edges).toHaveLength(2);
    expect(await readdir(join(app.dataDir, "cache"))).toEqual(["models--onnx-zoo--QA-Tiny"]);
  });

  it("fails a real entry served with other bytes with INTEGRITY_ERROR and keeps nothing", async () => {
    const mnist = REAL_ENTRIES.find((e) => e.model === "MNIST-12");
    expect(mnist).toBeDefined();
    const { app, files } = await startZoo(REAL_ENTRIES);
    files.serve(`/zoo/${mnist?.model_path}`, Buffer.alloc(mnist?.metadata.model_bytes ?? 0, 7));

    const pull = await pullToEnd(app, "onnx-zoo:MNIST-12");
    const cached = await cachedFiles(app);

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(cached).toEqual([]);
  });
});
