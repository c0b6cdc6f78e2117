import { describe, expect, it } from "vitest";
import { errorCodes, rawRequest } from "./helpers/raw-http.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const PULL = JSON.stringify({ query: 'mutation { pullModel(ref: "local:mlp-classifier") { __typename } }' });
const form = (query: string) => `query=${encodeURIComponent(query)}`;

/** How many pulls the gateway has recorded: a mutation that ran leaves one. */
async function pullCount(gateway: TestApp): Promise<number> {
  const { data } = await gateway.graphql<{ pulls: { edges: unknown[] } }>("{ pulls(first: 100) { edges { cursor } } }");
  return data?.pulls.edges.length ?? -1;
}

describe("a web page on another origin", () => {
  it("gets no CORS headers from a preflight when CORS_ORIGINS is empty, in development too", async () => {
    const gateway = await startTestApp({ http: true, env: { NODE_ENV: "development" } });

    const preflight = await rawRequest(gateway.url, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("is answered with CORS headers only when CORS_ORIGINS lists its origin, never with credentials", async () => {
    const gateway = await startTestApp({ http: true, env: { CORS_ORIGINS: "https://ui.example" } });
    const preflight = (origin: string) =>
      rawRequest(gateway.url, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });

    const listed = await preflight("https://ui.example");
    const other = await preflight("https://evil.example");

    expect(listed.headers["access-control-allow-origin"]).toBe("https://ui.example");
    expect(listed.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it.each([
    [
      "a form post",
      "application/x-www-form-urlencoded",
      form('mutation { pullModel(ref: "local:mlp-classifier") { __typename } }'),
    ],
    [
      "a multipart form",
      "multipart/form-data; boundary=x",
      `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${PULL}\r\n--x--\r\n`,
    ],
    ["plain text", "text/plain", PULL],
    [
      "application/graphql",
      "application/graphql",
      'mutation { pullModel(ref: "local:mlp-classifier") { __typename } }',
    ],
  ])(
    "cannot run a mutation through %s, a request needing no preflight: 415 and nothing runs",
    async (_kind, type, body) => {
      const gateway = await startTestApp({ http: true });

      const response = await rawRequest(gateway.url, { headers: { "content-type": type }, body });

      expect(response.status).toBe(415);
      expect(errorCodes(response.body)).toEqual(["UNSUPPORTED_MEDIA_TYPE"]);
      expect(await pullCount(gateway)).toBe(0);
    },
  );

  it("is refused as FORBIDDEN when its Origin is foreign, while the gateway's own page is served", async () => {
    const gateway = await startTestApp({ http: true, env: { CORS_ORIGINS: "https://ui.example" } });
    const host = new URL(gateway.url).host;
    const post = (origin: string) =>
      rawRequest(gateway.url, { headers: { "content-type": "application/json", origin }, body: PULL });

    const foreign = await post("https://evil.example");
    const nullOrigin = await post("null");
    const own = await post(`http://${host}`);
    const listed = await post("https://ui.example");

    expect([foreign.status, nullOrigin.status]).toEqual([403, 403]);
    expect(errorCodes(foreign.body)).toEqual(["FORBIDDEN"]);
    expect(JSON.parse(foreign.body).errors[0].message).toMatch(/origin https:\/\/evil\.example .* CORS_ORIGINS/);
    expect([own.status, listed.status]).toEqual([200, 200]);
    expect(await pullCount(gateway)).toBe(2);
  });
});

describe("the Host header of a keyless gateway", () => {
  it.each(["evil.example", "evil.example:4000", "192.168.1.20", "localhost.evil.example"])(
    "refuses Host %s (DNS rebinding) as FORBIDDEN before running anything",
    async (host) => {
      const gateway = await startTestApp({ http: true });

      const response = await rawRequest(gateway.url, {
        headers: { host, "content-type": "application/json" },
        body: PULL,
      });

      expect(response.status).toBe(403);
      expect(errorCodes(response.body)).toEqual(["FORBIDDEN"]);
      expect(JSON.parse(response.body).errors[0].message).toMatch(/not one of this gateway's names .* PUBLIC_HOSTS/);
      expect(await pullCount(gateway)).toBe(0);
    },
  );

  it("accepts loopback names and the names PUBLIC_HOSTS adds", async () => {
    const gateway = await startTestApp({ http: true, env: { PUBLIC_HOSTS: "models.internal" } });
    const status = async (host: string) =>
      (await rawRequest(gateway.url, { headers: { host, "content-type": "application/json" }, body: PULL })).status;

    expect(await status("localhost:4000")).toBe(200);
    expect(await status("127.0.0.1")).toBe(200);
    expect(await status("[::1]:4000")).toBe(200);
    expect(await status("models.internal:8080")).toBe(200);
    expect(await status("other.internal")).toBe(403);
  });

  it("is not checked on a gateway with API keys unless PUBLIC_HOSTS names hosts", async () => {
    const key = "reader-0123456789abcdef";
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: `${key}=read` } });

    const response = await rawRequest(gateway.url, {
      headers: { host: "models.example", "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ registries { name } }" }),
    });

    expect(response.status).toBe(200);
  });
});

describe("forwarded requests", () => {
  const forwardedBy = (gateway: TestApp, headers: Record<string, string>) =>
    rawRequest(gateway.url, { headers: { "content-type": "application/json", ...headers }, body: PULL });

  it.each([
    ["X-Forwarded-For", { "x-forwarded-for": "203.0.113.9" }],
    ["Forwarded", { forwarded: "for=203.0.113.9;proto=https" }],
    ["X-Real-IP", { "x-real-ip": "203.0.113.9" }],
    ["a forwarded loopback address", { "x-forwarded-for": "127.0.0.1" }],
  ])("are refused by a keyless gateway when no proxy is trusted (%s)", async (_kind, headers) => {
    const gateway = await startTestApp({ http: true });

    const response = await forwardedBy(gateway, headers);

    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).errors[0].message).toMatch(/TRUSTED_PROXIES/);
    expect(await pullCount(gateway)).toBe(0);
  });

  it("from a trusted proxy are judged by the client they name: remote refused, local answered", async () => {
    const gateway = await startTestApp({ http: true, env: { TRUSTED_PROXIES: "loopback" } });

    const remote = await forwardedBy(gateway, { "x-forwarded-for": "203.0.113.9" });
    const remoteRfc = await forwardedBy(gateway, { forwarded: 'for="[2001:db8::7]:4711"' });
    const local = await forwardedBy(gateway, { "x-forwarded-for": "127.0.0.1" });

    expect([remote.status, remoteRfc.status]).toEqual([403, 403]);
    expect(JSON.parse(remote.body).errors[0].message).toMatch(/answers local clients only/);
    expect(local.status).toBe(200);
  });

  it("from a trusted proxy count each named client's mutations against that client's own limit", async () => {
    const gateway = await startTestApp({ http: true, env: { TRUSTED_PROXIES: "loopback", MUTATION_RATE_LIMIT: "1" } });
    const query = 'mutation { pullModel(ref: "local:mlp-classifier") { __typename ... on GatewayError { code } } }';
    const pullAs = async (client: string) => {
      const response = await rawRequest(gateway.url, {
        headers: { "content-type": "application/json", "x-forwarded-for": client },
        body: JSON.stringify({ query }),
      });
      return JSON.parse(response.body).data.pullModel;
    };

    const first = await pullAs("127.0.0.2");
    const again = await pullAs("127.0.0.2");
    const other = await pullAs("127.0.0.3");

    expect(first).toEqual({ __typename: "Pull" });
    expect(again).toEqual({ __typename: "GatewayError", code: "RATE_LIMITED" });
    expect(other).toEqual({ __typename: "Pull" });
  });
});
