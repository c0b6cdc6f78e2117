import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildOnnxModel, seededWeights } from "../src/onnx/build-model.js";
import { directionClassifierPath } from "../tests/helpers/inference-models.js";

/** A model the benchmark runs, with one input it feeds as float32. */
export interface BenchModel {
  label: string;
  ref: string;
  /** The .onnx file inside the models folder, for the direct onnxruntime-node runs. */
  file: string;
  input: { name: string; shape: number[] };
  iterations: number;
}

const HIDDEN = 4096;
const FEATURES = 64;
const CLASSES = 16;
/** Rows per large-model run; BENCH_LARGE_BATCH overrides it (4096 makes a 4096×4096 by 4096×4096 product). */
export const LARGE_BATCH = Number(process.env.BENCH_LARGE_BATCH ?? 1024);

export const BENCH_MODELS: BenchModel[] = [
  {
    label: "small: sample MLP 4→16→3",
    ref: "local:mlp-classifier",
    file: "mlp-classifier/model.onnx",
    input: { name: "features", shape: [1, 4] },
    iterations: 200,
  },
  {
    label: `large: ${FEATURES}→${HIDDEN}→${HIDDEN}→${CLASSES} MLP, batch ${LARGE_BATCH}`,
    ref: "local:large-mlp",
    file: "large-mlp.onnx",
    input: { name: "x", shape: [LARGE_BATCH, FEATURES] },
    iterations: 12,
  },
  {
    label: "real: PP-OCR direction classifier",
    ref: "local:direction-classifier",
    file: "direction-classifier.onnx",
    input: { name: "x", shape: [1, 3, 48, 192] },
    iterations: 50,
  },
];

/**
 * Writes the large generated model (a 4096×4096 weight matrix between two thin ones, 68 MB, so
 * the work is large and the tensors crossing HTTP small) and a copy of the real model into `dir`,
 * beside the seeded sample models. Generated at run time: no binary model is committed.
 */
export async function writeBenchModels(dir: string): Promise<void> {
  const bytes = buildOnnxModel({
    graphName: "large_mlp",
    inputs: [{ name: "x", elementType: "FLOAT32", shape: ["batch", FEATURES] }],
    outputs: [{ name: "y", elementType: "FLOAT32", shape: ["batch", CLASSES] }],
    initializers: [
      { name: "w1", elementType: "FLOAT32", dims: [FEATURES, HIDDEN], data: seededWeights(FEATURES * HIDDEN, 11) },
      { name: "w2", elementType: "FLOAT32", dims: [HIDDEN, HIDDEN], data: seededWeights(HIDDEN * HIDDEN, 12) },
      { name: "w3", elementType: "FLOAT32", dims: [HIDDEN, CLASSES], data: seededWeights(HIDDEN * CLASSES, 13) },
    ],
    nodes: [
      { op: "MatMul", inputs: ["x", "w1"], outputs: ["h1"] },
      { op: "Relu", inputs: ["h1"], outputs: ["a1"] },
      { op: "MatMul", inputs: ["a1", "w2"], outputs: ["h2"] },
      { op: "Relu", inputs: ["h2"], outputs: ["a2"] },
      { op: "MatMul", inputs: ["a2", "w3"], outputs: ["y"] },
    ],
  });
  await writeFile(join(dir, "large-mlp.onnx"), bytes);
  await copyFile(directionClassifierPath(), join(dir, "direction-classifier.onnx"));
}

/** The bench input of a model: deterministic values in [-1, 1). */
export function benchInput(model: BenchModel): Float32Array {
  return seededWeights(
    model.input.shape.reduce((a, b) => a * b, 1),
    99,
  );
}
