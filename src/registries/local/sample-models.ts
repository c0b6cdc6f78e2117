import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { attribute, buildOnnxModel, seededWeights } from "../../onnx/build-model.js";

/**
 * The models a fresh gateway shows in its local folder: generated here with deterministic weights,
 * so a newcomer can search, inspect and run something before configuring any registry.
 */
export function sampleModels(): Array<{ path: string; bytes: Uint8Array | string }> {
  return [
    { path: "mlp-classifier/model.onnx", bytes: mlpClassifier() },
    {
      path: "mlp-classifier/model.json",
      bytes: `${JSON.stringify(
        {
          description:
            "A small multilayer perceptron that sorts 4 tabular features into 3 classes. Generated sample with fixed weights.",
          task: "tabular-classification",
          tags: ["sample", "classifier", "tabular"],
          license: "MIT",
          author: "model-gateway",
        },
        null,
        2,
      )}\n`,
    },
    { path: "pair-classifier.onnx", bytes: pairClassifier() },
  ];
}

/** Writes the sample models into `dir` when it is missing or empty; returns whether it did. */
export async function seedSampleModels(dir: string): Promise<boolean> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.some((name) => !name.startsWith("."))) return false;
  for (const model of sampleModels()) {
    const target = join(dir, model.path);
    await mkdir(join(target, ".."), { recursive: true });
    await writeFile(target, model.bytes);
  }
  return true;
}

/** features[batch, 4] -> Dense(16) -> Relu -> Dense(3) -> Softmax -> probabilities[batch, 3]. */
function mlpClassifier(): Uint8Array {
  return buildOnnxModel({
    graphName: "mlp_classifier",
    docString: "Sample MLP classifier: 4 features in, 3 class probabilities out.",
    inputs: [{ name: "features", elementType: "FLOAT32", shape: ["batch", 4] }],
    outputs: [{ name: "probabilities", elementType: "FLOAT32", shape: ["batch", 3] }],
    initializers: [
      { name: "w1", elementType: "FLOAT32", dims: [4, 16], data: seededWeights(64, 1) },
      { name: "b1", elementType: "FLOAT32", dims: [16], data: seededWeights(16, 2) },
      { name: "w2", elementType: "FLOAT32", dims: [16, 3], data: seededWeights(48, 3) },
      { name: "b2", elementType: "FLOAT32", dims: [3], data: seededWeights(3, 4) },
    ],
    nodes: [
      { op: "MatMul", inputs: ["features", "w1"], outputs: ["h1"] },
      { op: "Add", inputs: ["h1", "b1"], outputs: ["h2"] },
      { op: "Relu", inputs: ["h2"], outputs: ["h3"] },
      { op: "MatMul", inputs: ["h3", "w2"], outputs: ["logits0"] },
      { op: "Add", inputs: ["logits0", "b2"], outputs: ["logits"] },
      { op: "Softmax", inputs: ["logits"], outputs: ["probabilities"], attributes: [attribute.int("axis", -1)] },
    ],
    metadata: { sample: "true" },
  });
}

/** Two embeddings left[batch, 8], right[batch, 8] -> |left - right| -> Dense(2) -> Softmax. */
function pairClassifier(): Uint8Array {
  return buildOnnxModel({
    graphName: "pair_classifier",
    docString: "Sample pair classifier: are two 8-dimensional embeddings a match? Two inputs, one output.",
    inputs: [
      { name: "left", elementType: "FLOAT32", shape: ["batch", 8] },
      { name: "right", elementType: "FLOAT32", shape: ["batch", 8] },
    ],
    outputs: [{ name: "match_probability", elementType: "FLOAT32", shape: ["batch", 2] }],
    initializers: [
      { name: "w", elementType: "FLOAT32", dims: [8, 2], data: seededWeights(16, 5) },
      { name: "b", elementType: "FLOAT32", dims: [2], data: seededWeights(2, 6) },
    ],
    nodes: [
      { op: "Sub", inputs: ["left", "right"], outputs: ["diff"] },
      { op: "Abs", inputs: ["diff"], outputs: ["distance"] },
      { op: "MatMul", inputs: ["distance", "w"], outputs: ["scores0"] },
      { op: "Add", inputs: ["scores0", "b"], outputs: ["scores"] },
      { op: "Softmax", inputs: ["scores"], outputs: ["match_probability"], attributes: [attribute.int("axis", -1)] },
    ],
    metadata: { sample: "true" },
  });
}
