import { describe, expect, it } from "vitest";
import { chooseModelFile } from "../src/inference/choose-model-file.js";

const files = (...paths: string[]) => paths.map((path) => ({ path, sizeBytes: null, sha256: null }));

describe("choosing the model file to run", () => {
  it.each([
    ["the root model.onnx first", files("onnx/model.onnx", "model.onnx", "other.onnx"), "model.onnx"],
    ["then onnx/model.onnx", files("onnx/model_fp16.onnx", "onnx/model.onnx", "config.json"), "onnx/model.onnx"],
    ["then the only .onnx file, whatever its name", files("README.md", "weights/net.ONNX"), "weights/net.ONNX"],
  ])("takes %s", (_case, list, expected) => {
    expect(chooseModelFile("hf:org/name", list, null).path).toBe(expected);
  });

  it("names the candidates when several .onnx files leave it ambiguous", () => {
    expect(() => chooseModelFile("hf:org/name", files("a.onnx", "onnx/b.onnx", "c.txt"), null)).toThrow(
      /hf:org\/name has 2 \.onnx files; name one in file: a\.onnx, onnx\/b\.onnx/,
    );
  });

  it("says when a model has no .onnx file at all", () => {
    expect(() => chooseModelFile("hf:org/name", files("model.safetensors"), null)).toThrow(/has no \.onnx file to run/);
  });
});
