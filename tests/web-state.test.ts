import { describe, expect, it } from "vitest";
import { baseRef, modelPath, refFromPath, refRevision } from "../web/src/model-path.js";
import { parseSearch, type SearchState, searchString, searchVariables } from "../web/src/search/search-params.js";
import { concreteShape, freeDimensions, isRunnable, valuesFromJson } from "../web/src/try-it/tensor-values.js";

describe("the model browser's addresses and state", () => {
  it("names every model reference by a path that reads back to the same reference", () => {
    const refs = [
      "local:mlp-classifier",
      "hf:Xenova/all-MiniLM-L6-v2@main",
      "onnx-zoo:MNIST@8",
      "kaggle:google/gemma/keras/gemma_2b_en@3",
      "oci:registry.example:5000/ns/model@v1",
      "hf:org/name%40odd%20id?#&",
    ];
    for (const ref of refs) {
      const path = modelPath(ref);
      expect(path).not.toMatch(/[?#\s]/);
      expect(refFromPath(new URL(path, "http://localhost").pathname)).toBe(ref);
    }
    expect(modelPath("hf:org/name@main")).toBe("/models/hf:org/name@main");
    expect(refFromPath("/")).toBeNull();
    expect(refFromPath("/models/%E0%A4%A")).toBeNull();
  });

  it("splits a reference's revision off after the registry prefix", () => {
    expect([baseRef("onnx-zoo:MNIST@8"), refRevision("onnx-zoo:MNIST@8")]).toEqual(["onnx-zoo:MNIST", "8"]);
    expect([baseRef("local:mlp-classifier"), refRevision("local:mlp-classifier")]).toEqual([
      "local:mlp-classifier",
      null,
    ]);
  });

  it("keeps a search in the URL and reads it back, defaults left out and nonsense ignored", () => {
    const state: SearchState = {
      query: "resnet 50",
      registries: ["hf", "onnx-zoo"],
      format: "ONNX",
      task: "image-classification",
      license: "mit",
      minSizeMb: 1.5,
      maxSizeMb: 200,
      sort: "DOWNLOADS",
    };
    expect(parseSearch(searchString(state))).toEqual(state);
    expect(searchString(parseSearch(""))).toBe("");
    expect(parseSearch("?format=exe&sort=random&minSize=-3&maxSize=lots")).toMatchObject({
      format: null,
      sort: "RELEVANCE",
      minSizeMb: null,
      maxSizeMb: null,
    });
    expect(searchVariables(state)).toEqual({
      query: "resnet 50",
      registries: ["hf", "onnx-zoo"],
      filter: { format: "ONNX", task: "image-classification", sizeBytes: { min: 1_500_000, max: 200_000_000 } },
      sort: "DOWNLOADS",
      first: 24,
    });
  });

  it("asks a symbolic dimension once for every input that names it, and an unnamed one per place", () => {
    const inputs = [
      { name: "left", elementType: "FLOAT32" as const, shape: ["batch", 8] },
      { name: "right", elementType: "FLOAT32" as const, shape: ["batch", "?"] },
    ];
    expect(freeDimensions(inputs)).toEqual([
      { key: "batch", label: "batch" },
      { key: "right[1]", label: "right, dimension 2" },
    ]);
    expect(concreteShape(inputs[1] as (typeof inputs)[number], { batch: 3, "right[1]": 5 })).toEqual([3, 5]);
    expect(isRunnable(inputs)).toBe(true);
    expect(isRunnable([{ name: "text", elementType: "STRING", shape: [1] }])).toBe(false);
    expect(isRunnable([{ name: "x", elementType: "FLOAT32", shape: null }])).toBe(false);
  });

  it("reads input values from JSON by input name, or as a bare array for a single input, and says what is wrong", () => {
    const one = [{ name: "features", elementType: "FLOAT32" as const, shape: ["batch", 2] }];
    const two = [...one, { name: "mask", elementType: "BOOL" as const, shape: [2] }];

    expect(valuesFromJson("[[1, 2], [3, 4]]", one)).toEqual(new Map([["features", [1, 2, 3, 4]]]));
    expect(valuesFromJson('{"features": [1, 2], "mask": [0, 1]}', two)).toEqual(
      new Map([
        ["features", [1, 2]],
        ["mask", [0, 1]],
      ]),
    );
    expect(valuesFromJson("{", one)).toMatch(/^The file is not JSON/);
    expect(valuesFromJson('{"features": [1]}', two)).toBe('The file has no values for the input "mask".');
    expect(valuesFromJson('{"features": [1, "2"]}', one)).toBe('The values for "features" must all be finite numbers.');
  });
});
