import { describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const LIMITS = { MAX_DEPTH: "3", MAX_ALIASES: "3", MAX_DIRECTIVES: "3", MAX_TOKENS: "300", MAX_COST: "20" };

async function refusal(gateway: TestApp, query: string) {
  const response = await gateway.graphql(query);
  return {
    status: response.status,
    errors: response.errors?.map((e) => ({ code: e.extensions?.code, limit: e.extensions?.limit, message: e.message })),
  };
}

describe("query limits", () => {
  it.each([
    ["depth", "{ searchModels { edges { node { inputs { name } files { path } } } } }", /depth limit of 3 exceeded/i],
    [
      "aliases",
      "{ a: registries { name } b: registries { name } c: registries { name } d: registries { name } }",
      /aliases limit of 3/i,
    ],
    [
      "directives",
      "{ registries { name @include(if: true) kind @include(if: true) location @skip(if: false) status @skip(if: false) } }",
      /directives limit of 3/i,
    ],
    ["tokens", `{ ${"registries { name } ".repeat(80)}}`, /token limit of 300/i],
    [
      "cost",
      "{ a: registries { name kind location enabled status lastError } b: registries { name kind location enabled status lastError } c: registries { name kind location enabled status lastError } }",
      /cost limit of 20/i,
    ],
  ])("refuses a query over the %s limit with QUERY_LIMIT_EXCEEDED", async (limit, query, message) => {
    const gateway = await startTestApp({ env: LIMITS });

    const { status, errors } = await refusal(gateway, query);

    expect(status).toBe(400);
    expect(errors).toContainEqual({ code: "QUERY_LIMIT_EXCEEDED", limit, message: expect.stringMatching(message) });
  });

  it("lets GraphiQL's introspection through whatever the depth limit", async () => {
    const gateway = await startTestApp({ env: LIMITS });
    const { getIntrospectionQuery } = await import("graphql");

    const response = await gateway.graphql(getIntrospectionQuery());

    expect(response.errors).toBeUndefined();
  });

  it("turns introspection off with GRAPHIQL=false", async () => {
    const gateway = await startTestApp({ env: { GRAPHIQL: "false" } });

    const response = await gateway.graphql("{ __schema { queryType { name } } }");

    expect(response.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it("hides field suggestions outside development", async () => {
    const gateway = await startTestApp();

    const response = await gateway.graphql("{ registries { nam } }");

    expect(response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe("body size", () => {
  const big = JSON.stringify({ query: `{ registries { name } } # ${"x".repeat(4096)}` });

  it("refuses a body whose Content-Length is over MAX_BODY_BYTES", async () => {
    const gateway = await startTestApp({ http: true, env: { MAX_BODY_BYTES: "2048" } });

    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
  });

  it("refuses a streamed body without Content-Length once it passes MAX_BODY_BYTES", async () => {
    const gateway = await startTestApp({ http: true, env: { MAX_BODY_BYTES: "2048" } });
    const chunks = [big.slice(0, 1500), big.slice(1500)];
    const body = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });

    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
  });

  it("honours a MAX_BODY_BYTES above the HTTP library's own 25 MB default", async () => {
    const gateway = await startTestApp({ http: true, env: { MAX_BODY_BYTES: String(40 * 1024 * 1024) } });
    const padded = JSON.stringify({ query: `{ registries { name } } #${"x".repeat(26 * 1024 * 1024)}` });

    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: padded,
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  });
});
