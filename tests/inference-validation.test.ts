import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelFile } from "../src/domain/model.js";
import type { ModelRef } from "../src/domain/model-ref.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModel } from "./helpers/fake-registry.js";
import { stringInputModel, typedModel, writeModelFile } from "./helpers/inference-models.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const MAX_BYTES = 4096;

const f32 = (name: string, shape: number[], data?: number[]) => ({
  name,
  elementType: "FLOAT32",
  shape,
  data: data ?? Array(shape.reduce((a, b) => a * b, 1)).fill(0.5),
});
const left = f32("left", [2, 8]);
const right = f32("right", [2, 8]);
const typed = (type: string, data: number[]) => ({
  model: `local:typed-${type.toLowerCase()}`,
  inputs: [{ name: "x", elementType: type, shape: [2, 3], data }],
});
const pair = (inputs: unknown[], extra: Record<string, unknown> = {}) => ({
  model: "local:pair-classifier",
  inputs,
  ...extra,
});

describe("runInference input validation", () => {
  let gateway: TestApp;
  beforeAll(async () => {
    gateway = await startTestApp({ http: true, env: { INFERENCE_MAX_BYTES: String(MAX_BYTES) } });
    for (const type of ["UINT8", "INT32", "BOOL", "FLOAT16"] as const) {
      await writeModelFile(gateway.modelsDir, `typed-${type.toLowerCase()}.onnx`, typedModel(type));
    }
    await writeModelFile(gateway.modelsDir, "string-input.onnx", stringInputModel());
  });
  afterAll(() => gateway.close());

  it.each([
    [
      "an unknown input",
      pair([left, right, f32("extra", [1])]),
      "inputs",
      /no input "extra"; its inputs are left \(FLOAT32 \[batch, 8\]\), right \(FLOAT32 \[batch, 8\]\)/,
    ],
    ["a missing input", pair([left]), "inputs", /Missing input right \(FLOAT32 \[batch, 8\]\); the model needs left/],
    ["an input given twice", pair([left, left, right]), "inputs", /Input "left" is given twice/],
    [
      "the wrong element type",
      pair([{ ...left, elementType: "FLOAT64" }, right]),
      "inputs[0].elementType",
      /Input left must be FLOAT32 \[batch, 8\], not FLOAT64/,
    ],
    ["the wrong rank", pair([f32("left", [16]), right]), "inputs[0].shape", /must have rank 2 .* not 1 \(\[16\]\)/],
    [
      "a wrong fixed dimension",
      pair([f32("left", [2, 7]), right]),
      "inputs[0].shape",
      /Input left must have size 8 at dimension 1 \(FLOAT32 \[batch, 8\]\), not 7/,
    ],
    [
      "a symbolic dimension that differs between inputs",
      pair([left, f32("right", [3, 8])]),
      "inputs[1].shape",
      /Dimension "batch" is 2 in input left but 3 in input right/,
    ],
    [
      "a negative dimension",
      pair([{ ...left, shape: [-2, 8] }, right]),
      "inputs[0].shape",
      /negative size at dimension 0/,
    ],
    [
      "data shorter than the shape",
      pair([{ ...left, data: Array(15).fill(1) }, right]),
      "inputs[0].data",
      /Input left has 15 values; shape \[2, 8\] holds 16/,
    ],
    [
      "both data and base64",
      pair([{ ...left, base64: "AAAA" }, right]),
      "inputs[0]",
      /needs exactly one of data \(numbers\) or base64/,
    ],
    ["neither data nor base64", pair([{ ...left, data: null }, right]), "inputs[0]", /needs exactly one of data/],
    [
      "base64 that is not base64",
      pair([{ ...left, data: null, base64: `${"A".repeat(40)}*${"A".repeat(45)}==` }, right]),
      "inputs[0].base64",
      /padded base64 of exactly 64 bytes \(shape \[2, 8\] of FLOAT32, little-endian\); got 88 characters/,
    ],
    [
      "base64 of the wrong length",
      pair([{ ...left, data: null, base64: Buffer.alloc(60).toString("base64") }, right]),
      "inputs[0].base64",
      /exactly 64 bytes .* got 80 characters/,
    ],
    [
      "a UINT8 out of range",
      typed("UINT8", [1, 2, 300, 4, 5, 6]),
      "inputs[0].data",
      /value 300 at index 2 does not fit UINT8, which takes integers from 0 to 255/,
    ],
    [
      "a fraction for INT32",
      typed("INT32", [1, 1.5, 3, 4, 5, 6]),
      "inputs[0].data",
      /value 1.5 at index 1 does not fit INT32/,
    ],
    [
      "a BOOL that is not 0 or 1",
      typed("BOOL", [1, 0, 2, 0, 0, 0]),
      "inputs[0].data",
      /takes 0 \(false\) or 1 \(true\)/,
    ],
    ["a FLOAT16 beyond its range", typed("FLOAT16", [70000, 0, 0, 0, 0, 0]), "inputs[0].data", /within ±65504/],
    [
      "an unknown output",
      pair([left, right], { outputs: ["nope"] }),
      "outputs",
      /no output "nope"; its outputs are match_probability \(FLOAT32 \[batch, 2\]\)/,
    ],
    ["an empty outputs list", pair([left, right], { outputs: [] }), "outputs", /at least one output/],
    [
      "a model input the gateway cannot feed",
      { model: "local:string-input", inputs: [{ name: "text", elementType: "STRING", shape: [1], data: [1] }] },
      "inputs[0]",
      /Input text of the model is STRING, which the gateway cannot feed; it runs FLOAT32, FLOAT16/,
    ],
  ])("rejects %s with BAD_USER_INPUT naming what the model expects", async (_case, input, field, message) => {
    const response = await gateway.graphql<{ runInference: Record<string, unknown> }>(
      `mutation($input: RunInferenceInput!) { runInference(input: $input) { __typename ... on GatewayError { code field message } } }`,
      { input },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.runInference).toMatchObject({ __typename: "GatewayError", code: "BAD_USER_INPUT", field });
    expect(response.data?.runInference.message).toMatch(message);
    expect(JSON.stringify(response)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });

  it("refuses tensors beyond INFERENCE_MAX_BYTES in variables with 413 PAYLOAD_TOO_LARGE before coercing them", async () => {
    // 129 FLOAT32 rows of 8: 4128 bytes, one row over the 4096-byte limit.
    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($input: RunInferenceInput!) { runInference(input: $input) { __typename } }`,
        variables: { input: pair([f32("left", [129, 8]), f32("right", [1, 8])]) },
      }),
    });
    const body = (await response.json()) as { errors?: Array<{ message: string; extensions: { code: string } }> };

    expect(response.status).toBe(413);
    expect(body.errors?.[0]?.extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.errors?.[0]?.message).toMatch(/carry 4160 bytes, more than INFERENCE_MAX_BYTES \(4096\)/);
  });

  it("refuses inputs whose shapes need more than INFERENCE_MAX_BYTES as PAYLOAD_TOO_LARGE naming the input", async () => {
    // The data is one value; the shape claims 100×8 floats twice, past the limit once `right` counts.
    const input = pair([f32("left", [100, 8], [0]), f32("right", [100, 8], [0])]);
    const response = await gateway.graphql<{ runInference: Record<string, unknown> }>(
      `mutation($input: RunInferenceInput!) { runInference(input: $input) { __typename ... on GatewayError { code field message } } }`,
      { input },
    );

    expect(response.data?.runInference).toMatchObject({ code: "PAYLOAD_TOO_LARGE", field: "inputs[1]" });
    expect(response.data?.runInference.message).toMatch(
      /more than 4096 bytes \(INFERENCE_MAX_BYTES\) once input right/,
    );
  });

  it("still runs the model once the inputs are right", async () => {
    const result = await runOk(gateway, pair([left, right]));

    expect(result.outputs[0]?.shape).toEqual([2, 2]);
  });
});

/** A registry whose models lie in a folder, without a model.onnx, to reach the ambiguous-file rule. */
class FolderRegistry extends FakeRegistry {
  constructor(private readonly dir: string) {
    super("folder", [
      fakeModel("folder", 1, {
        id: "two-graphs",
        files: ["a.onnx", "b/c.onnx", "README.md"].map((path) => ({ path, sizeBytes: null, sha256: null })),
      }),
    ]);
  }

  async localPath(ref: ModelRef, file: ModelFile): Promise<string> {
    return join(this.dir, ref.id, file.path);
  }
}

describe("runInference model files", () => {
  let gateway: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gateway-folder-"));
    await writeModelFile(dir, "two-graphs/a.onnx", typedModel("INT8"));
    await writeModelFile(dir, "two-graphs/b/c.onnx", typedModel("UINT8"));
    const remote = new FakeRegistry("remote", [fakeModel("remote", 1)]);
    gateway = await startTestApp({ registries: new RegistrySet([new FolderRegistry(dir), remote]) });
  });
  afterAll(async () => {
    await gateway.close();
    await rm(dir, { recursive: true, force: true });
  });
  const uint8 = { name: "x", elementType: "UINT8", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };

  it("asks for `file` when a model has several .onnx files and none is conventional, listing them", async () => {
    const ambiguous = await runInference(gateway, { model: "folder:two-graphs", inputs: [uint8] });
    const chosen = await runOk(gateway, { model: "folder:two-graphs", file: "b/c.onnx", inputs: [uint8] });

    expect(ambiguous).toMatchObject({ __typename: "GatewayError", code: "BAD_USER_INPUT", field: "file" });
    expect(ambiguous.__typename === "GatewayError" && ambiguous.message).toMatch(
      /has 2 \.onnx files; name one in file: a\.onnx, b\/c\.onnx/,
    );
    expect(chosen.outputs[0]?.data).toEqual([2, 4, 6, 8, 10, 12]);
    expect(chosen.fileSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers MODEL_NOT_CACHED for a model that is not on this machine", async () => {
    const noPull = await runInference(gateway, { model: "remote:remote-model-001", pull: false, inputs: [uint8] });
    const pull = await runInference(gateway, { model: "remote:remote-model-001", inputs: [uint8] });

    expect(noPull).toMatchObject({
      __typename: "GatewayError",
      code: "MODEL_NOT_CACHED",
      ref: "remote:remote-model-001",
    });
    expect(noPull.__typename === "GatewayError" && noPull.message).toMatch(/not in the local cache and pull is false/);
    // With pull, the model is pulled first; this registry serves no files, so the pull's failure answers.
    expect(pull).toMatchObject({ __typename: "GatewayError", code: "REGISTRY_UNAVAILABLE" });
    // The registry's own words (a plain Error) stay in the log; the client learns only that it failed.
    expect(pull.__typename === "GatewayError" && pull.message).toMatch(
      /it failed unexpectedly \(the gateway's log has the details\)/,
    );
  });
});
