import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNNABLE_ELEMENT_TYPES } from "../src/inference/tensor-codec.js";
import { seededWeights } from "../src/onnx/build-model.js";
import { directionClassifierPath, typedModel, writeModelFile } from "./helpers/inference-models.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

let gateway: TestApp;
beforeAll(async () => {
  gateway = await startTestApp();
  for (const type of RUNNABLE_ELEMENT_TYPES) {
    await writeModelFile(gateway.modelsDir, `typed-${type.toLowerCase()}.onnx`, typedModel(type));
  }
  await copyFile(directionClassifierPath(), join(gateway.modelsDir, "direction-classifier.onnx"));
  await writeModelFile(gateway.modelsDir, "multi-file/model.onnx", typedModel("FLOAT32"));
  await writeModelFile(gateway.modelsDir, "multi-file/variants/bool.onnx", typedModel("BOOL"));
  await writeFile(join(gateway.modelsDir, "multi-file", "notes.txt"), "not a model");
  await writeFile(join(gateway.modelsDir, "truncated.onnx"), typedModel("FLOAT32").subarray(0, 40));
});
afterAll(() => gateway.close());

const tensor = (elementType: string, data: number[]) => ({ name: "x", elementType, shape: [2, 3], data });

describe("runInference", () => {
  it.each([
    ["FLOAT32", [1.5, -2, 0.25, 3, 2 ** 100, -0.5], [3, -4, 0.5, 6, 2 ** 101, -1]],
    // 0.1 is not a half: it rounds to 0.0999755859375, which doubles exactly.
    ["FLOAT16", [1.5, -2, 0.1, 3, 1000, -0.5], [3, -4, 0.199951171875, 6, 2000, -1]],
    ["FLOAT64", [0.1, -2.5, 1e300, 3, 7, -0.5], [0.2, -5, 2e300, 6, 14, -1]],
    ["INT64", [1, -2, 2 ** 40, 0, 7, -(2 ** 50)], [2, -4, 2 ** 41, 0, 14, -(2 ** 51)]],
    ["INT32", [1, -2, 2 ** 29, 0, 7, -(2 ** 29)], [2, -4, 2 ** 30, 0, 14, -(2 ** 30)]],
    ["INT8", [1, -2, 50, -60, 0, 63], [2, -4, 100, -120, 0, 126]],
    ["UINT8", [0, 1, 2, 100, 127, 3], [0, 2, 4, 200, 254, 6]],
    ["BOOL", [1, 0, 1, 1, 0, 0], [0, 1, 0, 0, 1, 1]],
  ])("runs a %s model and returns its known outputs as JSON", async (type, input, expected) => {
    const result = await runOk(gateway, {
      model: `local:typed-${type.toLowerCase()}`,
      inputs: [tensor(type, input)],
    });

    expect(result.provider).toBe("CPU");
    expect(result.outputs).toEqual([
      {
        name: type === "BOOL" ? "negated" : "doubled",
        elementType: type,
        shape: [2, 3],
        data: expected,
        base64: null,
      },
    ]);
  });

  it.each([
    // 64-bit integers beyond 2^53 travel exactly as bytes.
    ["INT64", new BigInt64Array([2n ** 60n, -3n, 0n, 1n, 2n ** 53n + 1n, -(2n ** 61n)]), (v: bigint) => v * 2n],
    // Half floats as IEEE bit patterns: 1.5, -2, 0.25, 3, 1000, -0.5.
    ["FLOAT16", new Uint16Array([0x3e00, 0xc000, 0x3400, 0x4200, 0x63d0, 0xb800]), null],
    ["FLOAT64", new Float64Array([0.1, -2.5, 1e300, 3, 7, Number.MIN_VALUE]), (v: number) => v * 2],
    ["UINT8", new Uint8Array([0, 1, 2, 100, 127, 3]), (v: number) => v * 2],
  ] as const)("takes and returns %s tensors as base64 bytes", async (type, values, double) => {
    const bytes = (array: ArrayBufferView) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    const result = await runOk(gateway, {
      model: `local:typed-${type.toLowerCase()}`,
      inputs: [{ name: "x", elementType: type, shape: [2, 3], base64: bytes(values).toString("base64") }],
      outputEncoding: "BASE64",
    });

    const expected = double
      ? (values as unknown as { map(f: unknown): ArrayBufferView }).map(double)
      : new Uint16Array([0x4200, 0xc400, 0x3800, 0x4600, 0x67d0, 0xbc00]);
    expect(result.outputs[0]?.data).toBeNull();
    expect(result.outputs[0]?.base64).toBe(bytes(expected).toString("base64"));
  });

  it("refuses JSON for outputs JSON numbers cannot carry, and gives them as base64", async () => {
    const input = {
      model: "local:typed-int64",
      inputs: [
        {
          name: "x",
          elementType: "INT64",
          shape: [2, 3],
          base64: Buffer.from(new BigInt64Array([2n ** 60n, 0n, 0n, 0n, 0n, 0n]).buffer).toString("base64"),
        },
      ],
    };

    const json = await runInference(gateway, input);
    const base64 = await runOk(gateway, { ...input, outputEncoding: "BASE64" });

    expect(json).toMatchObject({ __typename: "GatewayError", code: "BAD_USER_INPUT", field: "outputEncoding" });
    expect(json.__typename === "GatewayError" && json.message).toMatch(/ask for outputEncoding: BASE64/);
    // A small Buffer is a view into a shared pool: copy out its own bytes, not the pool's start.
    const raw = Buffer.from(base64.outputs[0]?.base64 ?? "", "base64");
    const doubled = new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    expect(doubled[0]).toBe(2n ** 61n);
  });

  it("gives the PP-OCR direction classifier's output exactly as a direct onnxruntime-node run", async () => {
    const pixels = seededWeights(3 * 48 * 192, 7);
    const direct = await ort.InferenceSession.create(directionClassifierPath());
    const expected = await direct.run({ x: new ort.Tensor("float32", pixels, [1, 3, 48, 192]) });
    await direct.release();

    const result = await runOk(gateway, {
      model: "local:direction-classifier",
      inputs: [{ name: "x", elementType: "FLOAT32", shape: [1, 3, 48, 192], data: Array.from(pixels) }],
    });

    const output = expected["softmax_0.tmp_0"] as ort.Tensor;
    expect(result.outputs).toEqual([
      {
        name: "softmax_0.tmp_0",
        elementType: "FLOAT32",
        shape: [...output.dims],
        data: Array.from(output.data as Float32Array),
        base64: null,
      },
    ]);
    expect(result.outputs[0]?.data?.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
  });

  it("runs model.onnx by default and another .onnx file when `file` names it", async () => {
    const byDefault = await runOk(gateway, {
      model: "local:multi-file",
      inputs: [tensor("FLOAT32", [1, 2, 3, 4, 5, 6])],
    });
    const named = await runOk(gateway, {
      model: "local:multi-file",
      file: "variants/bool.onnx",
      inputs: [tensor("BOOL", [1, 1, 1, 0, 0, 0])],
    });

    expect([byDefault.file, byDefault.outputs[0]?.data]).toEqual(["model.onnx", [2, 4, 6, 8, 10, 12]]);
    expect([named.file, named.outputs[0]?.data]).toEqual(["variants/bool.onnx", [0, 0, 0, 1, 1, 1]]);
  });

  it.each([
    [
      "a file that is not .onnx",
      "notes.txt",
      "BAD_USER_INPUT",
      /must be an \.onnx file.*model\.onnx, variants\/bool\.onnx/,
    ],
    ["a file the model does not have", "missing.onnx", "FILE_NOT_FOUND", /has no file "missing\.onnx"/],
  ])("rejects %s", async (_case, file, code, message) => {
    const result = await runInference(gateway, {
      model: "local:multi-file",
      file,
      inputs: [tensor("FLOAT32", [1, 2, 3, 4, 5, 6])],
    });

    expect(result).toMatchObject({ __typename: "GatewayError", code, field: "file" });
    expect(result.__typename === "GatewayError" && result.message).toMatch(message);
  });

  it("answers INFERENCE_FAILED with ONNX Runtime's reason when it cannot load the file", async () => {
    const result = await runInference(gateway, {
      model: "local:truncated",
      inputs: [tensor("FLOAT32", [1, 2, 3, 4, 5, 6])],
    });

    expect(result).toMatchObject({ __typename: "GatewayError", code: "INFERENCE_FAILED" });
    expect(result.__typename === "GatewayError" && result.message).toMatch(
      /could not load the model: .*CPU could not load this model: .*Protobuf parsing failed\.$/,
    );
    // The message and the history name the file, never where the server keeps it.
    const { data } = await gateway.graphql<{ inferenceRuns: { edges: Array<{ node: { errorMessage: string } }> } }>(
      `{ inferenceRuns(model: "local:truncated", first: 1) { edges { node { errorMessage } } } }`,
    );
    const stored = data?.inferenceRuns.edges[0]?.node.errorMessage ?? "";
    for (const text of [result.__typename === "GatewayError" ? result.message : "", stored]) {
      expect(text).toContain("truncated.onnx");
      expect(text).not.toContain(gateway.dataDir);
      expect(text).not.toMatch(/\/tmp\//);
    }
  });

  it("answers unknown models and malformed references as typed errors", async () => {
    const unknown = await runInference(gateway, { model: "local:nope", inputs: [] });
    const malformed = await runInference(gateway, { model: "nope", inputs: [] });

    expect(unknown).toMatchObject({ __typename: "GatewayError", code: "MODEL_NOT_FOUND", ref: "local:nope" });
    expect(malformed).toMatchObject({ __typename: "GatewayError", code: "BAD_USER_INPUT", field: "ref" });
  });
});

describe("inferenceRuns", () => {
  const HISTORY = `query($model: String, $first: Int, $after: String) {
    inferenceRuns(model: $model, first: $first, after: $after) {
      edges { cursor node { id model file fileSha256 requestedProvider provider status errorCode errorMessage
        inputs { name elementType shape } outputs { name elementType shape } runMs totalMs } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

  it("keeps every run of a model, newest first, with its file hash, shapes, status and timings", async () => {
    const ok = await runOk(gateway, { model: "local:typed-int8", inputs: [tensor("INT8", [1, 2, 3, 4, 5, 6])] });
    const failed = await runInference(gateway, { model: "local:typed-int8", inputs: [tensor("INT8", [1, 2, 3])] });
    const info = await gateway.graphql<{ model: { files: Array<{ sha256: string }> } }>(
      '{ model(ref: "local:typed-int8") { files { sha256 } } }',
    );
    type Page = {
      inferenceRuns: {
        edges: Array<{ cursor: string; node: Record<string, unknown> }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await gateway.graphql<Page>(HISTORY, { model: "local:typed-int8", first: 1 });
    const second = await gateway.graphql<Page>(HISTORY, {
      model: "local:typed-int8",
      first: 1,
      after: first.data?.inferenceRuns.pageInfo.endCursor,
    });

    expect(failed.__typename).toBe("GatewayError");
    expect(first.data?.inferenceRuns.pageInfo.hasNextPage).toBe(true);
    expect(first.data?.inferenceRuns.edges[0]?.node).toMatchObject({
      model: "local:typed-int8",
      status: "FAILED",
      errorCode: "BAD_USER_INPUT",
      errorMessage: expect.stringMatching(/has 3 values; shape \[2, 3\] holds 6/),
      outputs: [],
      runMs: null,
    });
    expect(second.data?.inferenceRuns.edges[0]?.node).toMatchObject({
      id: ok.runId,
      file: "typed-int8.onnx",
      fileSha256: info.data?.model.files[0]?.sha256,
      requestedProvider: "AUTO",
      provider: "CPU",
      status: "SUCCEEDED",
      errorCode: null,
      inputs: [{ name: "x", elementType: "INT8", shape: [2, 3] }],
      outputs: [{ name: "doubled", elementType: "INT8", shape: [2, 3] }],
      runMs: expect.any(Number),
      totalMs: expect.any(Number),
    });
  });
});
