import { describe, expect, it } from "vitest";
import { formatModelRef, parseModelRef } from "../src/model-ref.js";

describe("model references", () => {
  it.each([
    ["local:mlp-classifier", { registry: "local", id: "mlp-classifier", revision: null }],
    ["hf:org/name@main", { registry: "hf", id: "org/name", revision: "main" }],
    ["onnx-zoo:MNIST-12", { registry: "onnx-zoo", id: "MNIST-12", revision: null }],
    ["onnx-zoo:MNIST@8", { registry: "onnx-zoo", id: "MNIST", revision: "8" }],
  ])("parses %s and formats it back", (text, ref) => {
    expect(parseModelRef(text)).toEqual(ref);
    expect(formatModelRef(parseModelRef(text))).toBe(text);
  });

  it.each([
    "",
    "nocolon",
    ":id",
    "local:",
    "local:a@",
    "local:a@b@c",
    "local:a b",
    "Local:x",
    `local:${"x".repeat(600)}`,
  ])("rejects %j with BAD_USER_INPUT", (text) => {
    expect(() => parseModelRef(text)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
  });
});
