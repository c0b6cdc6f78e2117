import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnnxModel } from "../src/onnx/build-model.js";
import { readOnnxHead } from "../src/onnx/onnx-file-head.js";
import { readOnnxMetadata } from "../src/onnx/read-metadata.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "onnx-head-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A model whose weight is `megabytes` large; before IR 4 its initializer is also a graph input. */
function heavyModel(megabytes: number): Uint8Array {
  const n = (megabytes * 1024 * 1024) / 4;
  return buildOnnxModel({
    docString: "heavy",
    metadata: { origin: "test" },
    inputs: [
      { name: "x", elementType: "FLOAT32", shape: ["batch", n] },
      { name: "w", elementType: "FLOAT32", shape: [n] },
    ],
    outputs: [{ name: "y", elementType: "FLOAT32", shape: ["batch", n] }],
    initializers: [{ name: "w", elementType: "FLOAT32", dims: [n], data: new Float32Array(n).fill(0.25) }],
    nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["y"] }],
  });
}

describe("the head of an ONNX file", () => {
  it("describes a 64 MB model in a few kilobytes, exactly as decoding the whole file does", async () => {
    const bytes = heavyModel(64);
    const path = join(dir, "heavy.onnx");
    await writeFile(path, bytes);

    const head = await readOnnxHead(path);

    expect((await stat(path)).size).toBeGreaterThan(64 * 1024 * 1024);
    expect(head.length).toBeLessThan(4096);
    expect(readOnnxMetadata(head)).toEqual(readOnnxMetadata(bytes));
    // The initializer "w" is a weight, not an input, in the head's reading too.
    expect(readOnnxMetadata(head).inputs.map((input) => input.name)).toEqual(["x"]);
  });

  it.each([
    ["truncated in its weights", (bytes: Uint8Array) => bytes.subarray(0, bytes.length - 100)],
    ["random bytes", () => Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)],
    ["empty", () => new Uint8Array(0)],
  ])("fails with a reason for a file that is %s", async (_kind, mangle) => {
    const path = join(dir, "bad.onnx");
    await writeFile(path, mangle(heavyModel(1)));

    await expect(readOnnxHead(path).then(readOnnxMetadata)).rejects.toThrow(/not an ONNX model/);
  });
});
