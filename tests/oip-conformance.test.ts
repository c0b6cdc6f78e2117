import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededWeights } from "../src/onnx/build-model.js";
import { directionClassifierPath, oipExampleModel, writeModelFile } from "./helpers/inference-models.js";
import { bytesOf, float32s, oipGet, oipInfer } from "./helpers/oip.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

/**
 * The served /v2 endpoints against kserve/open-inference-protocol's inference_rest.md and the
 * binary tensor extension (Triton's extension_binary_data.md), using their documented examples:
 * the model of the examples takes input0 UINT32 [2, 2] and input1 BOOL [3] and answers output0
 * FP32 [3, 2] (see oipExampleModel).
 */
let gateway: TestApp;
const MODEL = "local:mymodel";
const EXPECTED = [5, 7, 4, 6, 5, 7];

beforeAll(async () => {
  gateway = await startTestApp({ http: true });
  await writeModelFile(gateway.modelsDir, "mymodel.onnx", oipExampleModel());
  await copyFile(directionClassifierPath(), join(gateway.modelsDir, "direction-classifier.onnx"));
});
afterAll(() => gateway?.close());

/** The JSON request of inference_rest.md's example, its input1 data given in full. */
const jsonExample = (input1: unknown[] = [true, false, true]) => ({
  id: "42",
  inputs: [
    { name: "input0", shape: [2, 2], datatype: "UINT32", data: [1, 2, 3, 4] },
    { name: "input1", shape: [3], datatype: "BOOL", data: input1 },
  ],
  outputs: [{ name: "output0" }],
});

describe("health and metadata", () => {
  it("answers server live, ready and metadata, listing the binary tensor extension", async () => {
    const live = await oipGet(gateway.url, "/v2/health/live");
    const ready = await oipGet(gateway.url, "/v2/health/ready");
    const metadata = await oipGet(gateway.url, "/v2");

    expect(live).toMatchObject({ status: 200, json: { live: true } });
    expect(ready).toMatchObject({ status: 200, json: { ready: true } });
    expect(metadata.status).toBe(200);
    expect(metadata.json).toEqual({
      name: "model-gateway",
      version: expect.any(String),
      extensions: ["binary_tensor_data"],
    });
  });

  it("describes a model by its URL-escaped reference, with OIP datatypes", async () => {
    const metadata = await oipGet(gateway.url, "/v2/models/local%3Amymodel");
    const ready = await oipGet(gateway.url, "/v2/models/local%3Amymodel/ready");

    expect(metadata).toMatchObject({ status: 200 });
    expect(metadata.json).toEqual({
      name: MODEL,
      platform: "onnx_onnxv1",
      inputs: [
        { name: "input0", datatype: "UINT32", shape: [2, 2] },
        { name: "input1", datatype: "BOOL", shape: [3] },
      ],
      outputs: [{ name: "output0", datatype: "FP32", shape: [3, 2] }],
    });
    expect(ready).toMatchObject({ status: 200, json: { name: MODEL, ready: true } });
  });

  it("writes symbolic dimensions as -1", async () => {
    const metadata = await oipGet(gateway.url, "/v2/models/local%3Adirection-classifier");

    expect(metadata.json.inputs).toEqual([{ name: "x", datatype: "FP32", shape: [-1, 3, -1, -1] }]);
    expect(metadata.json.outputs).toEqual([{ name: "softmax_0.tmp_0", datatype: "FP32", shape: [-1, 2] }]);
  });

  it("answers 404 with an error object for an unknown model or a name that is no reference", async () => {
    const unknown = await oipGet(gateway.url, "/v2/models/local%3Ano-such-model");
    const bare = await oipGet(gateway.url, "/v2/models/mymodel/ready");
    const endpoint = await oipGet(gateway.url, "/v2/repository/index");

    expect(unknown).toMatchObject({ status: 404, json: { error: expect.stringContaining("no-such-model") } });
    expect(bare).toMatchObject({ status: 404, json: { error: expect.stringContaining("registry prefix") } });
    expect(endpoint).toMatchObject({ status: 404, json: { error: expect.any(String) } });
  });
});

describe("inference with JSON tensors (inference_rest.md)", () => {
  it("refuses the documented example as printed, whose input1 holds 1 value for shape [3]", async () => {
    const answer = await oipInfer(gateway.url, MODEL, jsonExample([true]));

    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/input1.*1 values.*holds 3/);
  });

  it("answers the example with its id, the model's name and output0 as FP32 [3, 2]", async () => {
    const answer = await oipInfer(gateway.url, MODEL, jsonExample());

    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.headers.get("inference-header-content-length")).toBeNull();
    expect(answer.json).toMatchObject({
      model_name: MODEL,
      id: "42",
      outputs: [{ name: "output0", shape: [3, 2], datatype: "FP32", data: EXPECTED }],
    });
  });

  it("takes tensor data in its natural nested form as well as flat, and every output when none is named", async () => {
    const request = jsonExample();
    const nested = {
      inputs: [
        {
          ...request.inputs[0],
          data: [
            [1, 2],
            [3, 4],
          ],
        },
        { ...request.inputs[1], data: [true, false, true] },
      ],
    };

    const answer = await oipInfer(gateway.url, MODEL, nested);

    expect(answer.json).toMatchObject({ outputs: [{ name: "output0", data: EXPECTED }] });
    expect(answer.json.id).toBeUndefined();
  });

  it("maps a version in the path to the model's revision", async () => {
    const answer = await oipInfer(gateway.url, MODEL, jsonExample(), { version: "v10" });

    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: "REVISION_NOT_FOUND", error: expect.stringContaining("v10") });
  });
});

describe("inference with binary tensors (the binary tensor extension)", () => {
  const binaryInputs = [bytesOf(new Uint32Array([1, 2, 3, 4])), Buffer.from([1, 0, 1])];
  const binaryExample = {
    model_name: "mymodel",
    inputs: [
      { name: "input0", shape: [2, 2], datatype: "UINT32", parameters: { binary_data_size: 16 } },
      { name: "input1", shape: [3], datatype: "BOOL", parameters: { binary_data_size: 3 } },
    ],
    outputs: [{ name: "output0", parameters: { binary_data: true } }],
  };

  it("answers the documented binary example with output0's 24 bytes after the JSON", async () => {
    const answer = await oipInfer(gateway.url, MODEL, binaryExample, { binary: binaryInputs });
    const headerLength = Number(answer.headers.get("inference-header-content-length"));

    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/octet-stream");
    expect(Number(answer.headers.get("content-length"))).toBe(headerLength + 24);
    expect(answer.json.outputs).toEqual([
      { name: "output0", shape: [3, 2], datatype: "FP32", parameters: { binary_data_size: 24 } },
    ]);
    expect(float32s(answer.binary)).toEqual(EXPECTED);
  });

  it("answers in JSON when binary inputs ask for no binary output, and in binary with binary_data_output", async () => {
    const { outputs: _, ...noOutputs } = binaryExample;
    const json = await oipInfer(gateway.url, MODEL, noOutputs, { binary: binaryInputs });
    const binary = await oipInfer(
      gateway.url,
      MODEL,
      { ...noOutputs, parameters: { binary_data_output: true } },
      {
        binary: binaryInputs,
      },
    );

    expect(json.headers.get("inference-header-content-length")).toBeNull();
    expect(json.json).toMatchObject({ outputs: [{ name: "output0", data: EXPECTED }] });
    expect(float32s(binary.binary)).toEqual(EXPECTED);
  });

  it("refuses binary sizes that do not add up to the body or to the shapes", async () => {
    const short = await oipInfer(gateway.url, MODEL, binaryExample, { binary: [binaryInputs[0] as Buffer] });
    const extra = await oipInfer(gateway.url, MODEL, binaryExample, { binary: [...binaryInputs, Buffer.from([9])] });
    const misfit = structuredClone(binaryExample);
    (misfit.inputs[0] as { parameters: { binary_data_size: number } }).parameters.binary_data_size = 12;
    const wrongSize = await oipInfer(gateway.url, MODEL, misfit, {
      binary: [Buffer.alloc(12), Buffer.from([1, 0, 1])],
    });

    expect(short).toMatchObject({ status: 400, json: { error: expect.stringMatching(/input1 claims 3 bytes/) } });
    expect(extra).toMatchObject({ status: 400, json: { error: expect.stringMatching(/1 bytes after the tensors/) } });
    expect(wrongSize).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/input0 has 12 bytes.*takes 16/) },
    });
  });
});

describe("the PP-OCR direction classifier through /v2 against onnxruntime-node itself", () => {
  it("gives exactly the outputs of a direct session.run() over JSON and over binary tensors", async () => {
    const shape = [1, 3, 48, 192];
    const input = seededWeights(3 * 48 * 192, 7);
    const session = await ort.InferenceSession.create(directionClassifierPath(), {
      executionProviders: ["cpu"],
      intraOpNumThreads: gateway.app.services.config.inference.intraOpThreads,
      interOpNumThreads: 1,
    });
    const direct = (await session.run({ x: new ort.Tensor("float32", input, shape) }))["softmax_0.tmp_0"] as ort.Tensor;
    await session.release();
    const model = "local:direction-classifier";

    const json = await oipInfer(gateway.url, model, {
      inputs: [{ name: "x", shape, datatype: "FP32", data: Array.from(input) }],
    });
    const binary = await oipInfer(
      gateway.url,
      model,
      {
        inputs: [{ name: "x", shape, datatype: "FP32", parameters: { binary_data_size: input.byteLength } }],
        parameters: { binary_data_output: true },
      },
      { binary: [bytesOf(input)] },
    );

    const expected = Array.from(direct.data as Float32Array);
    expect(json.json.outputs).toEqual([{ name: "softmax_0.tmp_0", shape: [1, 2], datatype: "FP32", data: expected }]);
    expect(float32s(binary.binary)).toEqual(expected);
  });
});

describe("history", () => {
  it("records OIP calls in inferenceRuns beside runInference's, saying how they came", async () => {
    await oipInfer(gateway.url, MODEL, jsonExample());
    const { data } = await gateway.graphql<{
      inferenceRuns: { edges: Array<{ node: { model: string; protocol: string; provider: string; status: string } }> };
    }>(`{ inferenceRuns(model: "${MODEL}", first: 1) { edges { node { model protocol provider status } } } }`);

    expect(data?.inferenceRuns.edges[0]?.node).toEqual({
      model: MODEL,
      protocol: "OIP",
      provider: "CPU",
      status: "SUCCEEDED",
    });
  });
});
