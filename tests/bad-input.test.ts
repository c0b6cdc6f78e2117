import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

let gateway: TestApp;
beforeAll(async () => {
  gateway = await startTestApp();
});
afterAll(() => gateway.close());

const SEARCH = `query($first: Int, $after: String, $registries: [String!], $query: String) {
  searchModels(first: $first, after: $after, registries: $registries, query: $query) { edges { cursor } pageInfo { endCursor } }
}`;

async function expectRejected(query: string, variables: Record<string, unknown>, message: RegExp) {
  const response = await gateway.graphql(query, variables);
  expect(response.status).toBeLessThan(500);
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors ?? [];
  expect(error?.extensions?.code).toBe("BAD_USER_INPUT");
  expect(error?.message).toMatch(message);
  expect(JSON.stringify(response)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
}

describe("bad input", () => {
  it.each([
    ["no registry prefix", "mlp-classifier", /missing the registry prefix.*Expected <registry>:<id>\[@<revision>\]/],
    ["an empty id", "local:", /the model id is empty/],
    ["an empty revision", "local:x@", /revision after @ is empty/],
    ["whitespace", "local:two words", /whitespace/],
    ["an upper-case registry", "HF:org/name", /"HF" is not a registry name/],
  ])("rejects a reference with %s, naming the accepted form", async (_case, ref, message) => {
    await expectRejected("query($ref: String!) { model(ref: $ref) { ref } }", { ref }, message);
  });

  it("rejects an unknown registry, naming the enabled ones", async () => {
    await expectRejected(
      '{ model(ref: "nowhere:x") { ref } }',
      {},
      /Unknown registry "nowhere"; the enabled registries are: local/,
    );
    await expectRejected(SEARCH, { registries: ["nowhere"] }, /Unknown registry "nowhere"/);
  });

  it.each([101, -1, 1000])("rejects first = %i, naming the accepted range", async (first) => {
    await expectRejected(SEARCH, { first }, /first must be between 0 and 100/);
  });

  it.each([
    ["not base64 JSON", "garbage!!"],
    ["JSON of another shape", Buffer.from('{"v":1,"x":2}').toString("base64url")],
    [
      "a negative skip",
      Buffer.from('{"v":1,"f":"0000000000000000","l":5,"p":{"local":[null,-3,0]}}').toString("base64url"),
    ],
  ])("rejects a forged cursor (%s)", async (_case, after) => {
    await expectRejected(SEARCH, { after }, /`after` is not a cursor from this search/);
  });

  it("rejects a cursor replayed on a different search", async () => {
    const first = await gateway.graphql<{ searchModels: { pageInfo: { endCursor: string } } }>(SEARCH, { first: 1 });
    const after = first.data?.searchModels.pageInfo.endCursor;
    expect(after).toBeTruthy();
    await expectRejected(SEARCH, { first: 1, after, query: "other words" }, /`after` is not a cursor from this search/);
  });

  it("rejects more than 100 references in one models query", async () => {
    const refs = Array.from({ length: 101 }, (_, i) => `local:m${i}`);
    await expectRejected(
      "query($refs: [String!]!) { models(refs: $refs) { ref } }",
      { refs },
      /at most 100 references/,
    );
  });

  it("rejects an empty registries list and an overlong query", async () => {
    await expectRejected(SEARCH, { registries: [] }, /registries must name at least one registry/);
    await expectRejected(SEARCH, { query: "x".repeat(300) }, /query must be at most 256 characters/);
  });

  it.each([
    ["pulls", "after", "garbage", /Invalid cursor: garbage; pass the endCursor/],
    ["inferenceRuns", "before", "zzz", /Invalid cursor: zzz; pass the endCursor/],
    ["pulls", "first", 1000, /first must be between 0 and 100 \(got 1000\)/],
    ["inferenceRuns", "last", 101, /last must be between 0 and 100 \(got 101\)/],
    ["pulls", "first", -1, /"first" must be a non-negative integer/],
  ])("rejects %s(%s: %j) with BAD_USER_INPUT, never clamping or a bare message", async (list, arg, value, message) => {
    const type = typeof value === "number" ? "Int" : "String";
    await expectRejected(`query($v: ${type}) { ${list}(${arg}: $v) { edges { cursor } } }`, { v: value }, message);
  });

  it("answers 100 search results with their files and signatures within the default limits", async () => {
    const response = await gateway.graphql(
      "{ searchModels(first: 100) { edges { node { ref files { path sizeBytes sha256 } inputs { name elementType shape } outputs { name elementType shape } } } } }",
    );

    expect(response.errors).toBeUndefined();
  });
});
