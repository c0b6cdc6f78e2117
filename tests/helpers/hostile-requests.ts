import fc from "fast-check";

/** One generated hostile request, what it attacks, and how a keyless gateway must refuse it. */
export interface HostileRequest {
  kind: string;
  body: string;
  contentType: string;
  /** Headers beyond Content-Type (Host, Origin, forwarding headers). */
  headers: Record<string, string>;
  /** The HTTP statuses the refusal may come with (a GraphQL error in a 200, or a request error). */
  statuses: readonly number[];
  /** Every code a response to it may carry (at least one must be there). */
  codes: readonly string[];
}

const RUN = `mutation($input: RunInferenceInput!) { runInference(input: $input) {
  __typename ... on GatewayError { code } } }`;
const PULL = 'mutation { pullModel(ref: "local:mlp-classifier") { __typename } }';
const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

type Spec = Pick<HostileRequest, "kind" | "body"> & Partial<HostileRequest>;
const refusal = (statuses: number | number[], ...codes: string[]) => ({ statuses: [statuses].flat(), codes });
const JSON_TYPE = "application/json";

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
  ),
);

/** Valid queries nested 5 or 6 levels (the schema's deepest), beyond the corpus gateway's MAX_DEPTH of 4. */
const DEEP_QUERIES = [
  "{ searchModels { edges { node { pulls { files { path } } } } } }",
  "{ searchModels { edges { node { files { path } } } } }",
  "{ pulls { edges { node { files { bytesDone } } } } }",
  "{ inferenceRuns { edges { node { inputs { shape } } } } }",
  "fragment F on Model { pulls { files { path } } } { searchModels { edges { node { ...F } } } }",
];

/** Ways a reference breaks the grammar every registry shares, behind the real registries' prefixes. */
const brokenRef = fc
  .tuple(
    fc.constantFrom("local", "hf", "onnx-zoo"),
    fc.oneof(
      fc.constantFrom("", "a b", "x@", "x@@y", "a%zz", "tab\there", "new\nline", "@rev"),
      fc.string({ minLength: 513, maxLength: 600 }),
    ),
  )
  .map(([registry, id]) => `${registry}:${id}`);

const generators: Record<string, fc.Arbitrary<Spec>> = {
  deepQuery: fc.constantFrom(...DEEP_QUERIES).map((query) => ({
    kind: "deep query",
    body: json(query),
    ...refusal(400, "QUERY_LIMIT_EXCEEDED"),
  })),
  wideQuery: fc.integer({ min: 1000, max: 5000 }).map((width) => ({
    kind: "wide query",
    body: json(`{ registries { ${"name ".repeat(width)} } }`),
    ...refusal(400, "QUERY_LIMIT_EXCEEDED"),
  })),
  aliasBomb: fc.integer({ min: 16, max: 500 }).map((count) => ({
    kind: "alias bomb",
    body: json(`{ ${Array.from({ length: count }, (_, i) => `a${i}: registries { name }`).join(" ")} }`),
    ...refusal(400, "QUERY_LIMIT_EXCEEDED"),
  })),
  directiveBomb: fc.integer({ min: 51, max: 400 }).map((count) => ({
    kind: "directive bomb",
    body: json(`{ registries { name ${"@skip(if: false) ".repeat(count)} } }`),
    ...refusal(400, "QUERY_LIMIT_EXCEEDED"),
  })),
  hugeBody: fc.integer({ min: 70_000, max: 300_000 }).map((size) => ({
    kind: "huge body",
    body: json(`{ registries { name } } #${"x".repeat(size)}`),
    ...refusal(413, "PAYLOAD_TOO_LARGE"),
  })),
  wrongJson: fc
    .oneof(
      fc.constantFrom("{", "[]", '"query"', "null", "42", '{"query": 5}', '{"query": ["{ a }"]}'),
      fc.constantFrom('{"variables": "x", "query": "{ registries { name } }"}', "{}"),
      fc.jsonValue().map((value) => JSON.stringify({ query: value })),
    )
    .filter((body) => !/^\{"query":"/.test(body))
    .map((body) => ({ kind: "wrong JSON", body, ...refusal(400, "BAD_REQUEST") })),
  unsafeContentType: fc
    .constantFrom(
      "text/plain",
      "application/xml",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/graphql",
    )
    .map((type) => ({
      kind: "content type a form could send",
      body: type === "application/x-www-form-urlencoded" ? `query=${encodeURIComponent(PULL)}` : PULL,
      contentType: type,
      ...refusal(415, "UNSUPPORTED_MEDIA_TYPE"),
    })),
  foreignOrigin: fc
    .constantFrom("https://evil.example", "null", "http://localhost.evil.example:4000")
    .map((origin) => ({
      kind: "foreign Origin",
      body: PULL,
      headers: { origin },
      ...refusal(403, "FORBIDDEN"),
    })),
  reboundHost: fc.constantFrom("evil.example", "evil.example:4000", "10.0.0.7", "127.0.0.1.nip.io").map((host) => ({
    kind: "rebound Host",
    body: PULL,
    headers: { host },
    ...refusal(403, "FORBIDDEN"),
  })),
  forwarded: fc
    .constantFrom<Record<string, string>>(
      { "x-forwarded-for": "203.0.113.9" },
      { "x-forwarded-for": "127.0.0.1" },
      { forwarded: "for=198.51.100.2" },
      { "x-real-ip": "192.0.2.1" },
    )
    .map((headers) => ({ kind: "forwarded, no trusted proxy", body: PULL, headers, ...refusal(403, "FORBIDDEN") })),
  oversizedTensor: fc.integer({ min: 257, max: 1000 }).map((rows) => ({
    kind: "tensor over INFERENCE_MAX_BYTES",
    body: json(RUN, {
      input: {
        model: "local:mlp-classifier",
        inputs: [{ name: "features", elementType: "FLOAT32", shape: [rows, 4], data: Array(rows * 4).fill(0.5) }],
      },
    }),
    ...refusal(413, "PAYLOAD_TOO_LARGE"),
  })),
  malformedRef: brokenRef.map((ref) => ({
    kind: "malformed reference",
    body: json("query($ref: String!) { model(ref: $ref) { ref } }", { ref }),
    ...refusal(200, "BAD_USER_INPUT"),
  })),
  wrongVariableType: fc.jsonValue().map((ref) => ({
    kind: "variable of the wrong type",
    body: json("query($ref: String!) { model(ref: $ref) { ref } }", { ref: typeof ref === "string" ? null : ref }),
    ...refusal(400, "BAD_USER_INPUT"),
  })),
  malformedCursor: fc.oneof(nasty, fc.base64String({ maxLength: 200 })).map((after) => ({
    kind: "malformed cursor",
    body: json("query($after: String) { searchModels(after: $after) { edges { cursor } } }", { after: `~${after}` }),
    ...refusal(200, "BAD_USER_INPUT"),
  })),
  badFirst: fc.oneof(fc.integer({ min: 101 }), fc.integer({ max: -1 })).map((first) => ({
    kind: "out-of-range first",
    body: json("query($first: Int) { searchModels(first: $first) { edges { cursor } } }", { first }),
    ...refusal(200, "BAD_USER_INPUT"),
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
    ...refusal(200, "FILE_NOT_FOUND"),
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
      // Refused while coercing the variables (400), or by the model's signature (a typed result).
      ...refusal([200, 400], "BAD_USER_INPUT", "PAYLOAD_TOO_LARGE"),
    })),
};

/** `perKind` generated requests of every kind, reproducible from `seed`. */
export function hostileRequests(perKind: number, seed: number): HostileRequest[] {
  return Object.values(generators).flatMap((arbitrary, index) =>
    fc
      .sample(arbitrary, { seed: seed + index, numRuns: perKind })
      .map((spec) => ({ contentType: JSON_TYPE, headers: {}, statuses: [200], codes: [], ...spec })),
  );
}
