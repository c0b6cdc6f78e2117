import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dockerRegistryInstalled, needsDockerRegistry } from "./helpers/docker-registry.js";
import { ollamaModel, onnxArtifact } from "./helpers/oci-models.js";
import { digestOf, type Pushed } from "./helpers/oci-push.js";
import { type OciSetup, startGatewayWith, startOciSetup } from "./helpers/oci-setup.js";
import { pullToEnd } from "./helpers/pulls.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref format } }`;
const REGISTRIES = `query { registries { name status } }`;
const SEARCH = `query { searchModels(first: 50) { edges { node { ref } } failures { registry code message } } }`;

const errorBody = (code: string, message: string) => JSON.stringify({ errors: [{ code, message, detail: null }] });

let setup: OciSetup;
let tiny: Pushed;

describe.skipIf(!dockerRegistryInstalled())(needsDockerRegistry("an OCI registry's failures"), () => {
  beforeAll(async () => {
    setup = await startOciSetup();
    tiny = await setup.pusher.pushImage("library/tinyllama", "1b", ollamaModel({ weightsBytes: 4096 }));
    await setup.pusher.pushImage("acme/doubler", "v1", onnxArtifact());
  });
  afterAll(() => setup?.close());
  afterEach(async () => {
    setup.proxy.reset();
  });

  /** An instance of the real registry behind the proxy that injects the failures. */
  const team = () =>
    startGatewayWith(
      [
        {
          name: "team",
          kind: "oci",
          endpoint: setup.proxy.url,
          settings: { cacheTtlSeconds: 0, maxRetries: 2, retryBackoffMs: 5 },
        },
      ],
      { REGISTRIES: "local,team" },
    );

  it("answers RATE_LIMITED with Retry-After's seconds when the wait would pass the retry budget", async () => {
    const gateway = await team();
    setup.proxy.inject(/\/manifests\//, {
      status: 429,
      headers: { "retry-after": "120", "content-type": "application/json" },
      body: errorBody("TOOMANYREQUESTS", "pull rate limit exceeded"),
    });

    const { errors } = await gateway.graphql(MODEL, { ref: "team:library/tinyllama@1b" });

    expect(errors?.[0]).toMatchObject({
      message: "Registry team is rate limiting the gateway; retry in 120 s.",
      extensions: { code: "RATE_LIMITED", retryAfterSeconds: 120 },
    });
  });

  it("waits out a short Retry-After and answers, leaving the registry DEGRADED", async () => {
    const gateway = await team();
    setup.proxy.inject(/\/manifests\//, { status: 429, headers: { "retry-after": "1" } });

    const { data } = await gateway.graphql(MODEL, { ref: "team:library/tinyllama@1b" });
    const health = await gateway.graphql<{ registries: Array<{ name: string; status: string }> }>(REGISTRIES);

    expect(data?.model).toMatchObject({ format: "GGUF" });
    expect(health.data?.registries.find((registry) => registry.name === "team")?.status).toBe("DEGRADED");
  });

  it("retries a 5xx answer, and answers REGISTRY_UNAVAILABLE when the registry keeps failing", async () => {
    const gateway = await team();
    setup.proxy.inject(/\/manifests\//, { status: 503 });
    const recovered = await gateway.graphql(MODEL, { ref: "team:library/tinyllama@1b" });
    setup.proxy.inject(/\/manifests\//, { status: 500, body: "upstream broke" }, 3);
    // Another model: the one read above would be served from the database, marked stale.
    const failed = await gateway.graphql(MODEL, { ref: "team:acme/doubler@v1" });

    expect(recovered.data?.model).toMatchObject({ format: "GGUF" });
    expect(failed.errors?.[0]).toMatchObject({
      message: "Registry team is unavailable: it answered HTTP 500 after 3 attempts.",
      extensions: { code: "REGISTRY_UNAVAILABLE" },
    });
  });

  it("answers REGISTRY_UNAVAILABLE for a manifest that is not JSON", async () => {
    const gateway = await team();
    setup.proxy.inject(/\/manifests\/1b$/, {
      status: 200,
      headers: { "content-type": "application/json" },
      body: "<html>",
    });

    const { errors } = await gateway.graphql(MODEL, { ref: "team:library/tinyllama@1b" });

    expect(errors?.[0]).toMatchObject({
      message: "Registry team is unavailable: it answered its manifest of library/tinyllama with malformed JSON.",
      extensions: { code: "REGISTRY_UNAVAILABLE" },
    });
  });

  it("answers ACCESS_DENIED for the registry's DENIED, and AUTHENTICATION_REQUIRED for a 401 without a challenge to answer", async () => {
    const gateway = await team();
    setup.proxy.inject(/\/manifests\//, {
      status: 403,
      body: errorBody("DENIED", "requested access to the resource is denied"),
    });
    const denied = await gateway.graphql(MODEL, { ref: "team:library/tinyllama@1b" });
    setup.proxy.inject(/\/manifests\//, { status: 401, body: errorBody("UNAUTHORIZED", "authentication required") });
    const unauthenticated = await gateway.graphql(MODEL, { ref: "team:library/tinyllama@1b" });

    expect(denied.errors?.[0]).toMatchObject({
      message:
        "Registry team refused the request for model team:library/tinyllama@1b (HTTP 403): requested access to the resource is denied",
      extensions: { code: "ACCESS_DENIED" },
    });
    expect(unauthenticated.errors?.[0]?.extensions?.code).toBe("AUTHENTICATION_REQUIRED");
  });

  it("refuses a manifest whose bytes are not those its digest names, with INTEGRITY_ERROR", async () => {
    const gateway = await team();
    const other = Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }));
    setup.proxy.inject(new RegExp(`/manifests/${tiny.digest}$`), { status: 200, body: other.toString() });

    const { errors } = await gateway.graphql(MODEL, { ref: `team:library/tinyllama@${tiny.digest}` });

    expect(errors?.[0]).toMatchObject({
      message: `Registry team answered a manifest of library/tinyllama whose digest is ${digestOf(other)}, not ${tiny.digest}.`,
      extensions: { code: "INTEGRITY_ERROR" },
    });
  });

  it("fails a pull whose blob is not the one the manifest describes with INTEGRITY_ERROR, keeping nothing", async () => {
    const gateway = await team();
    const weights = ollamaModel({ weightsBytes: 4096 }).layers[0]?.bytes as Buffer;
    setup.proxy.inject(
      new RegExp(`/blobs/${digestOf(weights)}$`),
      { status: 200, headers: { "content-length": "4096" }, body: "x".repeat(4096) },
      10,
    );

    const pull = await pullToEnd(gateway, "team:library/tinyllama@1b", { files: ["model.gguf"] });

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(pull.errorMessage).toContain("model.gguf of team:library/tinyllama@1b failed verification (sha256");
  });

  it("turns a registry that cannot be reached into a failures entry while the local folder still answers", async () => {
    const port = await closedPort();
    const gateway = await startGatewayWith([{ name: "down", kind: "oci", endpoint: `http://127.0.0.1:${port}` }], {
      REGISTRIES: "local,down",
    });

    const { data } = await gateway.graphql<{
      searchModels: { edges: Array<{ node: { ref: string } }>; failures: unknown[] };
    }>(SEARCH);

    expect(data?.searchModels.edges.length).toBeGreaterThan(0);
    expect(data?.searchModels.edges.every((edge) => edge.node.ref.startsWith("local:"))).toBe(true);
    expect(data?.searchModels.failures).toEqual([
      {
        registry: "down",
        code: "REGISTRY_UNAVAILABLE",
        message: `Registry down is unavailable: 127.0.0.1:${port} refused the connection.`,
      },
    ]);
  });
});

/** A port nothing listens on: one the kernel handed out and that was closed again. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
