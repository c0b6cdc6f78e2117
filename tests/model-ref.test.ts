import { describe, expect, it } from "vitest";
import { formatModelRef, parseModelRef } from "../src/domain/model-ref.js";

describe("model references", () => {
  it.each([
    ["local:mlp-classifier", { registry: "local", id: "mlp-classifier", revision: null }],
    ["hf:org/name@main", { registry: "hf", id: "org/name", revision: "main" }],
    ["onnx-zoo:MNIST-12", { registry: "onnx-zoo", id: "MNIST-12", revision: null }],
    ["onnx-zoo:MNIST@8", { registry: "onnx-zoo", id: "MNIST", revision: "8" }],
    ["local:my%20model", { registry: "local", id: "my model", revision: null }],
    ["mlflow:fraud%40v2%25@champion", { registry: "mlflow", id: "fraud@v2%", revision: "champion" }],
    ["oci:library/llama3.2@sha256:abc", { registry: "oci", id: "library/llama3.2", revision: "sha256:abc" }],
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
    "local:100%",
    "local:a%zz",
    "Local:x",
    `local:${"x".repeat(600)}`,
  ])("rejects %j with BAD_USER_INPUT", (text) => {
    expect(() => parseModelRef(text)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
  });

  it("writes an id holding spaces, @, % or control characters with escapes that parse back to it", () => {
    const ref = { registry: "local", id: "weird @ name %\t", revision: "tag with space" };

    expect(formatModelRef(ref)).toBe("local:weird%20%40%20name%20%25%09@tag%20with%20space");
    expect(parseModelRef(formatModelRef(ref))).toEqual(ref);
  });
});
