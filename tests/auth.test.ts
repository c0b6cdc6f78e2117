import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const READER = "reader-0123456789abcdef";
const PULLER = "puller-0123456789abcdef";
const KEYS = `${READER}=read,${PULLER}=pull`;

async function registriesAs(gateway: TestApp, key?: string) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: "{ registries { name } }" }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ message: string; extensions: { code: string } }>;
  };
  return {
    data: body.data,
    codes: body.errors?.map((e) => e.extensions.code),
    messages: body.errors?.map((e) => e.message),
  };
}

describe("API keys", () => {
  it("answers a key with the read scope", async () => {
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: KEYS } });

    const result = await registriesAs(gateway, READER);

    expect(result.codes).toBeUndefined();
    expect(result.data).toEqual({ registries: expect.arrayContaining([{ name: "local" }]) });
  });

  it("refuses a request without a key, or with an unknown one, as UNAUTHENTICATED", async () => {
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: KEYS } });

    const missing = await registriesAs(gateway);
    const unknown = await registriesAs(gateway, "not-a-key-0123456789");

    expect(missing.codes).toEqual(["UNAUTHENTICATED"]);
    expect(missing.messages?.[0]).toMatch(/needs an API key, sent as "Authorization: Bearer <key>"/);
    expect(unknown.codes).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses a key without the needed scope as FORBIDDEN, naming the scope", async () => {
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: KEYS } });

    const result = await registriesAs(gateway, PULLER);

    expect(result.codes).toEqual(["FORBIDDEN"]);
    expect(result.messages?.[0]).toMatch(/Query.registries needs the read scope/);
  });

  it("keeps /health open without a key, telling only the status; a key with read sees the details", async () => {
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: KEYS } });

    const anonymous = await fetch(`${gateway.url}/health`);
    const reader = await fetch(`${gateway.url}/health`, { headers: { authorization: `Bearer ${READER}` } });

    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: "ok" });
    expect(await reader.json()).toMatchObject({
      status: "ok",
      version: expect.any(String),
      registries: expect.any(Array),
    });
  });

  it("refuses /metrics without a key", async () => {
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: KEYS } });

    const anonymous = await fetch(`${gateway.url}/metrics`);
    const reader = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${READER}` } });

    expect(anonymous.status).toBe(401);
    expect(reader.status).toBe(200);
  });

  it("refuses an anonymous request before reading its body: the answer comes while the body is still unsent", async () => {
    const gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: KEYS } });
    const { port } = new URL(gateway.url);

    // Announce 20 MB, send one byte, and wait: a server that reads before authenticating never answers.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/graphql",
          headers: { "content-type": "application/json", "content-length": 20_000_000 },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk) => {
            body += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      outgoing.on("error", reject);
      outgoing.write("{");
    });

    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("refuses malformed key lists without echoing them", () => {
    const attempt = () => loadConfig({ GATEWAY_API_KEYS: "short=read,secret-0123456789abcdef=write" });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/GATEWAY_API_KEYS=\[redacted\]: entry 1 must be <key>=<scope>/);
    expect(attempt).not.toThrow(/secret-0123456789abcdef/);
  });
});

describe("without API keys", () => {
  it("refuses to listen beyond loopback", () => {
    expect(() => loadConfig({ HOST: "0.0.0.0" })).toThrow(
      /without GATEWAY_API_KEYS the gateway only listens on a loopback address/,
    );
    expect(() => loadConfig({ HOST: "0.0.0.0", GATEWAY_API_KEYS: KEYS })).not.toThrow();
  });

  it("answers loopback clients and refuses others as FORBIDDEN", async () => {
    const gateway = await startTestApp();
    const ask = (remoteAddress: string) =>
      gateway.app.gateway.fetch(
        "http://localhost/graphql",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"query":"{ registries { name } }"}',
        },
        { req: { socket: { remoteAddress }, headers: {} } } as never,
      );

    const local = await ask("127.0.0.1");
    const remote = await ask("203.0.113.7");

    expect(local.status).toBe(200);
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ errors: [{ extensions: { code: "FORBIDDEN" } }] });
  });
});
