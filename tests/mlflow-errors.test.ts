import { describe, expect, it } from "vitest";
import { type FakeAnswer, mlflowError } from "./helpers/fake-mlflow.js";
import { IRIS } from "./helpers/mlflow-fixtures.js";
import { startMlflowGateway } from "./helpers/mlflow-gateway.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref revision stale } }`;
const SEARCH = `{ searchModels(first: 5) { edges { node { ref } } failures { registry code message retryAfterSeconds } } }`;
const REF = { ref: "mlflow:Iris%20Classifier@2" };

const isModelGet = (r: { path: string }) => r.path === "/api/2.0/mlflow/registered-models/get";
const tooManyRequests = (seconds: number): FakeAnswer => ({
  ...mlflowError(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests."),
  headers: { "content-type": "application/json", "retry-after": String(seconds) },
});

describe("MLflow errors and credentials", () => {
  it("sends MLFLOW_TRACKING_TOKEN as a bearer token on every call, downloads included", async () => {
    const setup = await startMlflowGateway(
      { models: [IRIS], token: "mlflow-token-1" },
      { MLFLOW_TRACKING_TOKEN: "mlflow-token-1" },
    );

    const { data, errors } = await setup.gateway.graphql(MODEL, REF);

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ revision: "2" });
    expect(setup.mlflow.requests.length).toBeGreaterThan(3);
    expect(setup.mlflow.requests.every((r) => r.authorization === "Bearer mlflow-token-1")).toBe(true);
  });

  it("sends MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD as basic auth", async () => {
    const basic = { username: "ana", password: "s3cret:pass" };
    const setup = await startMlflowGateway(
      { models: [IRIS], basic },
      { MLFLOW_TRACKING_USERNAME: basic.username, MLFLOW_TRACKING_PASSWORD: basic.password },
    );

    const { data, errors } = await setup.gateway.graphql(MODEL, REF);

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ revision: "2" });
    const expected = `Basic ${Buffer.from("ana:s3cret:pass").toString("base64")}`;
    expect(setup.mlflow.requests.every((r) => r.authorization === expected)).toBe(true);
  });

  it("answers AUTHENTICATION_REQUIRED naming MLFLOW_TRACKING_TOKEN when the server wants credentials", async () => {
    const setup = await startMlflowGateway({ models: [IRIS], token: "mlflow-token-1" });

    const model = await setup.gateway.graphql(MODEL, REF);
    const search = await setup.gateway.graphql<{ searchModels: { failures: unknown[] } }>(SEARCH);

    expect(model.errors?.[0]?.extensions).toMatchObject({ code: "AUTHENTICATION_REQUIRED", registry: "mlflow" });
    expect(model.errors?.[0]?.message).toContain(
      "set MLFLOW_TRACKING_TOKEN (a bearer token), or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.",
    );
    expect(search.data?.searchModels.failures).toEqual([
      {
        registry: "mlflow",
        code: "AUTHENTICATION_REQUIRED",
        message:
          "Registry mlflow needs credentials: set MLFLOW_TRACKING_TOKEN (a bearer token), or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.",
        retryAfterSeconds: null,
      },
    ]);
  });

  it("says the configured token was refused, without echoing it", async () => {
    const setup = await startMlflowGateway(
      { models: [IRIS], token: "right" },
      { MLFLOW_TRACKING_TOKEN: "wrong-token" },
    );

    const model = await setup.gateway.graphql(MODEL, REF);

    expect(model.errors?.[0]?.extensions).toMatchObject({ code: "AUTHENTICATION_REQUIRED" });
    expect(model.errors?.[0]?.message).toContain(
      "the configured credentials were refused; check MLFLOW_TRACKING_TOKEN",
    );
    expect(model.errors?.[0]?.message).not.toContain("wrong-token");
  });

  it("answers ACCESS_DENIED when the user has no permission on the model", async () => {
    const setup = await startMlflowGateway({ models: [IRIS], forbidden: ["Iris Classifier"] });

    const model = await setup.gateway.graphql(MODEL, REF);

    expect(model.errors?.[0]).toMatchObject({
      message: "Registry mlflow refused access for model mlflow:Iris%20Classifier@2: Permission denied",
      extensions: { code: "ACCESS_DENIED", registry: "mlflow" },
    });
  });

  it("answers RATE_LIMITED with MLflow's Retry-After when it is longer than the retry budget", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });
    setup.mlflow.failNext(() => true, tooManyRequests(120), tooManyRequests(120));

    const model = await setup.gateway.graphql(MODEL, REF);
    const search = await setup.gateway.graphql<{ searchModels: { failures: unknown[] } }>(SEARCH);

    expect(model.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 120 });
    expect(search.data?.searchModels.failures).toEqual([
      {
        registry: "mlflow",
        code: "RATE_LIMITED",
        message: "Registry mlflow is rate limiting the gateway; retry in 120 s.",
        retryAfterSeconds: 120,
      },
    ]);
    expect(setup.mlflow.requests).toHaveLength(2); // neither was retried
  });

  it("waits out a short Retry-After and retries 5xx answers, then answers", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });
    setup.mlflow.failNext(
      isModelGet,
      tooManyRequests(1),
      mlflowError(503, "TEMPORARILY_UNAVAILABLE", "The server is busy."),
      { status: 502, body: "Bad Gateway" },
    );

    const { data, errors } = await setup.gateway.graphql(MODEL, REF);

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ revision: "2" });
    expect(setup.mlflow.requests.filter(isModelGet)).toHaveLength(4);
  });

  it("answers REGISTRY_UNAVAILABLE after its retries when the server keeps failing, or answers malformed JSON", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] }, { MLFLOW_MAX_RETRIES: "2" });
    const internal = mlflowError(500, "INTERNAL_ERROR", "database is locked");
    setup.mlflow.failNext(isModelGet, internal, internal, internal);

    const failing = await setup.gateway.graphql(MODEL, REF);
    setup.mlflow.failNext(isModelGet, {
      status: 200,
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    const malformed = await setup.gateway.graphql(MODEL, REF);

    expect(failing.errors?.[0]).toMatchObject({
      message: "Registry mlflow is unavailable: it answered HTTP 500 after 3 attempts.",
      extensions: { code: "REGISTRY_UNAVAILABLE" },
    });
    expect(malformed.errors?.[0]).toMatchObject({
      message: "Registry mlflow is unavailable: it answered mlflow/registered-models/get with malformed JSON.",
      extensions: { code: "REGISTRY_UNAVAILABLE" },
    });
  });

  it("serves the stored copy with stale: true when the server cannot be reached", async () => {
    const setup = await startMlflowGateway(
      { models: [IRIS] },
      { MLFLOW_CACHE_TTL_SECONDS: "0", MLFLOW_MAX_RETRIES: "0" },
    );
    const fresh = await setup.gateway.graphql(MODEL, REF);
    const down = mlflowError(503, "TEMPORARILY_UNAVAILABLE", "maintenance");
    setup.mlflow.failNext(() => true, down, down);

    const stale = await setup.gateway.graphql(MODEL, REF);

    expect(fresh.data?.model).toEqual({ ref: REF.ref, revision: "2", stale: false });
    expect(stale.errors).toBeUndefined();
    expect(stale.data?.model).toEqual({ ref: REF.ref, revision: "2", stale: true });
  });

  it("serves model info from the database for MLFLOW_CACHE_TTL_SECONDS without asking the server", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] }, { MLFLOW_CACHE_TTL_SECONDS: "600" });
    await setup.gateway.graphql(MODEL, REF);
    const asked = setup.mlflow.requests.length;

    const again = await setup.gateway.graphql(MODEL, REF);

    expect(again.data?.model).toEqual({ ref: REF.ref, revision: "2", stale: false });
    expect(setup.mlflow.requests).toHaveLength(asked);
  });
});
