import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/cli/exit.js";
import { readInput } from "../src/cli/tensors/input-files.js";
import { readJsonTensor } from "../src/cli/tensors/json-tensor.js";
import { readNpy } from "../src/cli/tensors/npy.js";
import { outputValues, topClasses } from "../src/cli/tensors/output-values.js";
import { bytesOf, npyFile } from "./helpers/npy.js";

const base64 = (array: ArrayBufferView) => Buffer.from(bytesOf(array)).toString("base64");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-tensors-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("reading .npy tensors", () => {
  it("answers each dtype as its ONNX element type with the data's exact little-endian bytes", () => {
    const cases: Array<[string, ArrayBufferView, string]> = [
      ["<f4", Float32Array.of(1.5, -2.25, 3e-8, 7), "FLOAT32"],
      ["<f8", Float64Array.of(Math.PI, -1), "FLOAT64"],
      ["<f2", Uint16Array.of(0x3c00, 0xc000), "FLOAT16"],
      ["<i8", BigInt64Array.of(-(2n ** 40n), 3n), "INT64"],
      ["<i4", Int32Array.of(-7, 2 ** 30), "INT32"],
      ["|i1", Int8Array.of(-128, 127), "INT8"],
      ["|u1", Uint8Array.of(0, 255), "UINT8"],
      ["|b1", Uint8Array.of(1, 0), "BOOL"],
    ];
    for (const [descr, data, elementType] of cases) {
      const length = data.byteLength / (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      const tensor = readNpy(npyFile(descr, [length], bytesOf(data)), "x.npy");
      expect(tensor, descr).toEqual({ elementType, shape: [length], base64: base64(data) });
    }
  });

  it("keeps shapes of any rank, scalars included, and ignores bytes past the data", () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 3);
    const withTail = Buffer.concat([bytesOf(data), Buffer.alloc(8, 0xff)]);
    expect(readNpy(npyFile("<f4", [2, 3, 4], withTail), "x.npy")).toMatchObject({
      shape: [2, 3, 4],
      base64: base64(data),
    });
    expect(readNpy(npyFile("<f8", [], bytesOf(Float64Array.of(2.5))), "x.npy")).toMatchObject({ shape: [] });
  });

  it("refuses big-endian data, Fortran order, complex numbers, short files and other formats, naming the file", () => {
    const refusals: Array<[Buffer, RegExp]> = [
      [npyFile(">f4", [2], new Uint8Array(8)), /a\.npy is big-endian/],
      [npyFile("<f4", [2, 2], new Uint8Array(16), true), /a\.npy is in Fortran order/],
      [npyFile("<c8", [1], new Uint8Array(8)), /a\.npy holds c8 values/],
      [
        npyFile("<f4", [4, 4], new Uint8Array(16)),
        /a\.npy is cut short: its shape \[4, 4\] needs 64 bytes of data, it has 16/,
      ],
      [Buffer.from("not numpy at all"), /a\.npy is not an \.npy file/],
    ];
    for (const [file, message] of refusals) {
      expect(() => readNpy(file, "a.npy")).toThrow(UsageError);
      expect(() => readNpy(file, "a.npy")).toThrow(message);
    }
  });
});

describe("reading JSON tensors", () => {
  it("infers the shape of nested arrays, and takes {shape, data} with an optional element type", () => {
    expect(readJsonTensor("[[1, 2, 3], [4, 5, 6]]", "t")).toEqual({
      elementType: null,
      shape: [2, 3],
      data: [1, 2, 3, 4, 5, 6],
    });
    expect(readJsonTensor("[[[true], [false]]]", "t")).toEqual({ elementType: null, shape: [1, 2, 1], data: [1, 0] });
    expect(readJsonTensor("7", "t")).toEqual({ elementType: null, shape: [], data: [7] });
    expect(readJsonTensor('{"shape": [2, 2], "data": [1, 2, 3, 4], "elementType": "int64"}', "t")).toEqual({
      elementType: "INT64",
      shape: [2, 2],
      data: [1, 2, 3, 4],
    });
  });

  it("refuses ragged arrays, a shape its data does not fill, strings and bad JSON", () => {
    expect(() => readJsonTensor("[[1, 2], [3]]", "t.json")).toThrow(/t\.json: nested arrays must be rectangular/);
    expect(() => readJsonTensor('{"shape": [2, 2], "data": [1, 2, 3]}', "t.json")).toThrow(
      /shape \[2, 2\] holds 4 values; "data" has 3/,
    );
    expect(() => readJsonTensor('["a"]', "t.json")).toThrow(/must be numbers/);
    expect(() => readJsonTensor("[1,", "t.json")).toThrow(/t\.json is not JSON/);
  });
});

describe("--input", () => {
  it("reads name=@file by its extension and name=<JSON> inline", async () => {
    const npy = join(dir, "x.NPY");
    await writeFile(npy, npyFile("<f4", [1, 2], bytesOf(Float32Array.of(1, 2))));

    expect(await readInput(`x=@${npy}`)).toMatchObject({
      name: "x",
      values: { elementType: "FLOAT32", shape: [1, 2] },
    });
    expect(await readInput("y=[[1, 2]]")).toEqual({
      name: "y",
      values: { elementType: null, shape: [1, 2], data: [1, 2] },
    });
    await expect(readInput("x")).rejects.toThrow(/write name=@file\.npy/);
    await expect(readInput(`x=@${join(dir, "missing.json")}`)).rejects.toThrow(
      /cannot read .*missing\.json \(ENOENT\)/,
    );
  });
});

describe("showing outputs", () => {
  it("decodes base64 outputs of each element type to the values JSON would give", () => {
    const output = { name: "o", shape: [3] };
    expect(outputValues({ ...output, elementType: "FLOAT32", base64: base64(Float32Array.of(0.5, -1, 2)) })).toEqual([
      0.5, -1, 2,
    ]);
    expect(outputValues({ ...output, elementType: "INT64", base64: base64(BigInt64Array.of(-3n, 0n, 9n)) })).toEqual([
      -3, 0, 9,
    ]);
    expect(
      outputValues({ ...output, elementType: "FLOAT16", base64: base64(Uint16Array.of(0x3c00, 0xc000, 0)) }),
    ).toEqual([1, -2, 0]);
    expect(outputValues({ ...output, elementType: "STRING", base64: null })).toBeNull();
  });

  it("sees a classifier in probability rows or in a classification model's scores, not in other outputs", () => {
    const probabilities = { name: "p", elementType: "FLOAT32", shape: [2, 3] };
    expect(topClasses(probabilities, [0.1, 0.7, 0.2, 0.5, 0.2, 0.3], 2, null)).toEqual([
      [
        { index: 1, score: 0.7 },
        { index: 2, score: 0.2 },
      ],
      [
        { index: 0, score: 0.5 },
        { index: 2, score: 0.3 },
      ],
    ]);
    const logits = [2.5, -1, 0.5];
    const vector = { name: "l", elementType: "FLOAT32", shape: [3] };
    expect(topClasses(vector, logits, 1, "image-classification")).toEqual([[{ index: 0, score: 2.5 }]]);
    expect(topClasses(vector, logits, 1, "feature-extraction")).toBeNull();
    expect(topClasses({ ...vector, elementType: "INT64" }, [0, 1, 0], 1, "image-classification")).toBeNull();
    expect(topClasses({ ...vector, shape: [1, 3, 1] }, [0.2, 0.3, 0.5], 1, null)).toBeNull();
  });
});
