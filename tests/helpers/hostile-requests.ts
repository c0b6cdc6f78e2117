import fc from "fast-check";

/** One generated hostile request: a raw body (already serialised) and what it attacks. */
export interface HostileRequest {
  kind: string;
  body: string;
  contentType?: string;
}

const RUN = `mutation($input: RunInferenceInput!) { runInference(input: $input) {
  __typename ... on GatewayError { code } } }`;
const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

/** Strings that break parsers and paths: control characters, traversal, huge and odd unicode. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "/etc/shadow",
    "model.onnx\u0000.txt",
    "%2e%2e%2fetc",
    "local:../../secret",
    "hf:a/b/c/d",
    "hf:--/..",
    "onnx-zoo:",
    "@@@",
    "x".repeat(5000),
  ),
);

const generators: Record<string, fc.Arbitrary<HostileRequest>> = {
  deepQuery: fc.integer({ min: 9, max: 60 }).map((depth) => ({
    kind: "deep query",
    body: json(`{ ${"searchModels { edges { node { files { ".repeat(depth / 4)}path${" } } } }".repeat(depth / 4)} }`),
  })),
  wideQuery: fc.integer({ min: 1000, max: 5000 }).map((width) => ({
    kind: "wide query",
    body: json(`{ registries { ${"name ".repeat(width)} } }`),
  })),
  aliasBomb: fc.integer({ min: 16, max: 500 }).map((count) => ({
    kind: "alias bomb",
    body: json(
      `{ ${Array.from({ length: count }, (_, i) => `a${i}: searchModels(first: 100) { edges { cursor } }`).join(" ")} }`,
    ),
  })),
  directiveBomb: fc.integer({ min: 51, max: 400 }).map((count) => ({
    kind: "directive bomb",
    body: json(`{ registries { name ${"@skip(if: false) ".repeat(count)} } }`),
  })),
  hugeBody: fc.integer({ min: 70_000, max: 300_000 }).map((size) => ({
    kind: "huge body",
    body: json(`{ registries { name } } #${"x".repeat(size)}`),
  })),
  wrongJson: fc
    .oneof(
      fc.constantFrom(
        "{",
        "[]",
        '"query"',
        "null",
        "42",
        '{"query": 5}',
        '{"query": ["{ a }"]}',
        '{"variables": "x", "query": "{ registries { name } }"}',
      ),
      fc.string({ maxLength: 60 }),
      fc.jsonValue().map((value) => JSON.stringify({ query: value })),
    )
    .map((body) => ({ kind: "wrong JSON", body })),
  wrongContentType: fc.constantFrom("text/plain", "application/xml", "multipart/form-data; boundary=x").map((type) => ({
    kind: "wrong content type",
    body: "<query>{ registries { name } }</query>",
    contentType: type,
  })),
  malformedRef: nasty.map((ref) => ({
    kind: "malformed reference",
    body: json("query($ref: String!) { model(ref: $ref) { ref } }", { ref: `nowhere:${ref}` }),
  })),
  wrongVariableType: fc.jsonValue().map((ref) => ({
    kind: "variable of the wrong type",
    body: json("query($ref: String!) { model(ref: $ref) { ref } }", { ref: typeof ref === "string" ? null : ref }),
  })),
  malformedCursor: fc
    .oneof(
      nasty,
      fc.base64String({ maxLength: 200 }),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
    )
    .map((after) => ({
      kind: "malformed cursor",
      body: json("query($after: String) { searchModels(after: $after) { edges { cursor } } }", { after: `~${after}` }),
    })),
  badFirst: fc.oneof(fc.integer({ min: 101 }), fc.integer({ max: -1 })).map((first) => ({
    kind: "out-of-range first",
    body: json("query($first: Int) { searchModels(first: $first) { edges { cursor } } }", { first }),
  })),
  traversalInFile: nasty.map((file) => ({
    kind: "traversal in a file name",
    body: json(RUN, {
      input: {
        model: "local:mlp-classifier",
        file: `../${file}`,
        inputs: [{ name: "features", elementType: "FLOAT32", shape: [1, 4], data: [1, 2, 3, 4] }],
      },
    }),
  })),
  malformedTensor: fc
    .record({
      name: fc.oneof(fc.constant("features"), nasty),
      elementType: fc.constantFrom("FLOAT32", "INT64", "BOOL", "UINT8", "FLOAT16"),
      shape: fc.array(fc.integer({ min: -5, max: 1_000_000 }), { maxLength: 6 }),
      data: fc.option(fc.array(fc.double(), { maxLength: 20 }), { nil: undefined }),
      base64: fc.option(fc.oneof(fc.base64String({ maxLength: 64 }), nasty), { nil: undefined }),
    })
    // A well-formed [1, 4] FLOAT32 tensor would run: keep only broken ones.
    .filter(
      (t) =>
        !(
          t.name === "features" &&
          t.elementType === "FLOAT32" &&
          t.shape.join() === "1,4" &&
          !t.base64 &&
          t.data?.length === 4
        ),
    )
    .map((tensor) => ({
      kind: "malformed tensor",
      body: json(RUN, { input: { model: "local:mlp-classifier", inputs: [tensor] } }),
    })),
};

/** `perKind` generated requests of every kind, reproducible from `seed`. */
export function hostileRequests(perKind: number, seed: number): HostileRequest[] {
  return Object.values(generators).flatMap((arbitrary, index) =>
    fc.sample(arbitrary, { seed: seed + index, numRuns: perKind }),
  );
}
