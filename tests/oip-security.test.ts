import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleModels } from "../src/registries/local/sample-models.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { oipGet, oipInfer, readCall } from "./helpers/oip.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

/** The /v2 endpoints keep the gateway's guards: keys and scopes, limits, media types, origins. */
const READER = "reader-0123456789abcdef";
const INFERRER = "inferrer-0123456789abcdef";
const PULLER = "puller-0123456789abcdef";
const KEYS = `${READER}=read,${INFERRER}=infer,${PULLER}=infer+pull`;
const MODEL = "local:mlp-classifier";
const features = { name: "features", shape: [1, 4], datatype: "FP32", data: [0.1, 0.2, 0.3, 0.4] };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let gateway: TestApp;
beforeAll(async () => {
  gateway = await startTestApp({
    http: true,
    env: {
      GATEWAY_API_KEYS: KEYS,
      MAX_BODY_BYTES: "65536",
      INFERENCE_MAX_BYTES: "4096",
      CORS_ORIGINS: "http://ui.example",
    },
  });
});
afterAll(() => gateway?.close());

describe("keys and scopes", () => {
  it("refuses a request without a key with 401 and an OIP error, before reading its body", async () => {
    const port = new URL(gateway.url).port;
    const answer = await new Promise<{ status: number; body: string; challenge: unknown }>((resolve, reject) => {
      const outgoing = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/v2/models/local%3Amlp-classifier/infer",
          headers: { "content-type": "application/json", "content-length": 20_000_000 },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk) => {
            body += chunk;
          });
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, body, challenge: response.headers["www-authenticate"] }),
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.write("{"); // the other 19,999,999 bytes never come
    });

    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: expect.stringContaining("API key"),
      code: "UNAUTHENTICATED",
    });
    expect(answer.challenge).toMatch(/^Bearer/);
  });

  it("lets a read key see metadata but not infer, and an infer key infer", async () => {
    const metadata = await oipGet(gateway.url, "/v2/models/local%3Amlp-classifier", as(READER));
    const refused = await oipInfer(gateway.url, MODEL, { inputs: [features] }, { headers: as(READER) });
    const ran = await oipInfer(gateway.url, MODEL, { inputs: [features] }, { headers: as(INFERRER) });
    const anonymousHealth = await oipGet(gateway.url, "/v2/health/ready");

    expect(metadata.status).toBe(200);
    expect(refused).toMatchObject({
      status: 403,
      json: { code: "FORBIDDEN", error: expect.stringContaining("infer scope") },
    });
    expect(ran.status).toBe(200);
    expect(anonymousHealth.status).toBe(401);
  });
});

describe("refusals with their statuses", () => {
  it("answers 413 for a body over MAX_BODY_BYTES and for tensors over INFERENCE_MAX_BYTES", async () => {
    const body = await oipInfer(
      gateway.url,
      MODEL,
      { inputs: [features], padding: "x".repeat(70_000) },
      { headers: as(INFERRER) },
    );
    const tensors = await oipInfer(
      gateway.url,
      MODEL,
      { inputs: [{ ...features, shape: [2000, 4], data: [] }] },
      { headers: as(INFERRER) },
    );

    expect(body).toMatchObject({
      status: 413,
      json: { code: "PAYLOAD_TOO_LARGE", error: expect.stringContaining("MAX_BODY_BYTES") },
    });
    expect(tensors).toMatchObject({ status: 413, json: { error: expect.stringContaining("INFERENCE_MAX_BYTES") } });
  });

  it("answers 415 for forms and text/plain, which a web page could post without a preflight", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const answer = await oipInfer(
        gateway.url,
        MODEL,
        { inputs: [features] },
        {
          headers: { ...as(INFERRER), "content-type": type },
        },
      );
      expect(answer, type).toMatchObject({ status: 415, json: { code: "UNSUPPORTED_MEDIA_TYPE" } });
    }
  });

  it("takes tritonclient's bodies: no Content-Type, and gzip-compressed", async () => {
    const body = gzipSync(JSON.stringify({ inputs: [features] }));
    const response = await fetch(`${gateway.url}/v2/models/local%3Amlp-classifier/infer`, {
      method: "POST",
      headers: { ...as(INFERRER), "content-encoding": "gzip" },
      body,
    });
    const answer = await readCall(response);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outputs: [{ name: "probabilities", shape: [1, 3] }] });
  });

  it("answers 400 for a body that is not an inference request, and 405 for inference over GET", async () => {
    const notJson = await fetch(`${gateway.url}/v2/models/local%3Amlp-classifier/infer`, {
      method: "POST",
      headers: { ...as(INFERRER), "content-type": "application/json" },
      body: "{ nope",
    });
    const noInputs = await oipInfer(gateway.url, MODEL, { inputs: [] }, { headers: as(INFERRER) });
    const get = await oipGet(gateway.url, "/v2/models/local%3Amlp-classifier/infer", as(INFERRER));

    expect(await readCall(notJson)).toMatchObject({
      status: 400,
      json: { error: expect.stringContaining("not JSON") },
    });
    expect(noInputs).toMatchObject({ status: 400, json: { error: expect.stringContaining("inputs") } });
    expect(get).toMatchObject({ status: 405, json: { code: "METHOD_NOT_ALLOWED" } });
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("refuses requests from another origin, and lets CORS_ORIGINS' preflight send binary tensors", async () => {
    const foreign = await oipInfer(
      gateway.url,
      MODEL,
      { inputs: [features] },
      {
        headers: { ...as(INFERRER), origin: "http://evil.example" },
      },
    );
    const preflight = await fetch(`${gateway.url}/v2/models/local%3Amlp-classifier/infer`, {
      method: "OPTIONS",
      headers: {
        origin: "http://ui.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,inference-header-content-length",
      },
    });

    expect(foreign).toMatchObject({
      status: 403,
      json: { code: "FORBIDDEN", error: expect.stringContaining("evil.example") },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://ui.example");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("inference-header-content-length");
  });

  it("counts OIP requests in the metrics by their own operation, with their error codes", async () => {
    await oipInfer(gateway.url, MODEL, { inputs: [features] }, { headers: as(INFERRER) });
    await oipInfer(gateway.url, "local:no-such-model", { inputs: [features] }, { headers: as(INFERRER) });
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: as(READER) })).text();

    expect(metrics).toMatch(/gateway_http_requests_total\{operation="oip",status="200"\} [1-9]/);
    expect(metrics).toMatch(/gateway_errors_total\{code="MODEL_NOT_FOUND"\} [1-9]/);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past MUTATION_RATE_LIMIT, shared with runInference", async () => {
    const limited = await startTestApp({ http: true, env: { MUTATION_RATE_LIMIT: "2" } });
    const run = () => oipInfer(limited.url, MODEL, { inputs: [features] });

    const statuses = [(await run()).status, (await run()).status];
    const third = await run();

    expect(statuses).toEqual([200, 200]);
    expect(third).toMatchObject({ status: 429, json: { code: "RATE_LIMITED" } });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("a model that must be pulled first", () => {
  it("needs the pull scope, then runs once pulled, named with tritonclient's unescaped slash", async () => {
    const server = await FileServer.start();
    const pair = sampleModels().find((model) => model.path === "pair-classifier.onnx")?.bytes as Uint8Array;
    const registry = new FakePullRegistry("remote", server.url).add(
      "org/pair",
      { "model.onnx": Buffer.from(pair) },
      server,
    );
    const pulling = await startTestApp({
      http: true,
      registries: new RegistrySet([registry]),
      env: { GATEWAY_API_KEYS: KEYS },
    });
    const embedding = (name: string) => ({ name, shape: [1, 8], datatype: "FP32", data: Array(8).fill(0.5) });
    const call = (key: string) =>
      fetch(`${pulling.url}/v2/models/remote%3Aorg/pair/infer`, {
        method: "POST",
        headers: { ...as(key), "content-type": "application/json" },
        body: JSON.stringify({ inputs: [embedding("left"), embedding("right")] }),
      }).then(readCall);

    const notReady = await oipGet(pulling.url, "/v2/models/remote%3Aorg%2Fpair/ready", as(READER));
    const refused = await call(INFERRER);
    const ran = await call(PULLER);
    const ready = await oipGet(pulling.url, "/v2/models/remote%3Aorg%2Fpair/ready", as(READER));

    expect(notReady).toMatchObject({ status: 503, json: { ready: false } });
    expect(refused).toMatchObject({
      status: 403,
      json: { code: "FORBIDDEN", error: expect.stringContaining("pull scope") },
    });
    expect(ran).toMatchObject({ status: 200, json: { model_name: "remote:org/pair", outputs: [{ shape: [1, 2] }] } });
    expect(ready).toMatchObject({ status: 200, json: { ready: true } });
  });
});
