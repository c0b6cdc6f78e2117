import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ndjson, runCli } from "./helpers/cli.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const READER = "cli-reader-0123456789abcdef";
const PULLER = "cli-puller-0123456789abcdef";

let gateway: TestApp;
let url: string;

beforeAll(async () => {
  gateway = await startTestApp({ http: true, env: { GATEWAY_API_KEYS: `${READER}=read,${PULLER}=read+pull` } });
  url = `${gateway.url}/graphql`;
});
afterAll(() => gateway?.close());

describe("model-gateway against a gateway with API keys", () => {
  it("sends the key from GATEWAY_API_KEY", async () => {
    const { code, stdout } = await runCli(["search", "--json"], { GATEWAY_URL: url, GATEWAY_API_KEY: READER });

    expect(code).toBe(0);
    expect(JSON.parse(stdout).models.map((m: { ref: string }) => m.ref)).toContain("local:mlp-classifier");
  });

  it("sends --key with the pull and with its progress stream", async () => {
    const { code, stdout } = await runCli(["pull", "local:mlp-classifier", "--json", "--key", PULLER, "--url", url]);

    expect(code).toBe(0);
    expect(ndjson<{ status: string }>(stdout).at(-1)?.status).toBe("SUCCEEDED");
  });

  it("without a key, exits 1 with the gateway's UNAUTHENTICATED", async () => {
    const { code, stdout, stderr } = await runCli(["search"], { GATEWAY_URL: url });

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error UNAUTHENTICATED: /);
  });

  it("with a key that lacks the scope, exits 1 with the gateway's FORBIDDEN", async () => {
    const { code, stderr } = await runCli(["rm", "local:mlp-classifier", "--json"], {
      GATEWAY_URL: url,
      GATEWAY_API_KEY: READER,
    });

    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({ error: { code: "FORBIDDEN" } });
  });
});
