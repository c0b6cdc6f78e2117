import { describe, expect, it } from "vitest";
import type { FakeModelScopeRepo, ModelScopeRequest, ScriptedAnswer } from "./helpers/fake-modelscope.js";
import { type ModelScopeGateway, startModelScopeGateway } from "./helpers/modelscope-gateway.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref name revision accessStatus } }`;
const SEARCH = `{ searchModels(first: 5) { edges { node { ref } } failures { registry code message retryAfterSeconds } } }`;

const REPOS: FakeModelScopeRepo[] = [
  { id: "acme/vision" },
  { id: "acme/secret", private: true, grantedTokens: ["ms-granted"] },
];
const TOKENS = ["ms-granted", "ms-other"];

interface Failure {
  code: unknown;
  message: string;
  extensions: Record<string, unknown>;
}

async function failureOf(setup: ModelScopeGateway, ref: string): Promise<Failure> {
  const { errors } = await setup.gateway.graphql(MODEL, { ref });
  const error = errors?.[0];
  if (!error) throw new Error(`expected ${ref} to fail`);
  return { code: error.extensions?.code, message: error.message, extensions: error.extensions ?? {} };
}

const toModel = (request: ModelScopeRequest) => request.path === "/api/v1/models/acme/vision";
const envelopeError = (status: number, code: number, message: string): ScriptedAnswer => ({
  status,
  body: { Code: code, Data: null, Message: message, RequestId: "req-1", Success: false },
});

describe("ModelScope errors keep their meaning", () => {
  it("answers MODEL_NOT_FOUND for a model ModelScope does not have", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });

    expect(await failureOf(setup, "modelscope:acme/nothing")).toMatchObject({
      code: "MODEL_NOT_FOUND",
      message: "Model modelscope:acme/nothing was not found.",
    });
  });

  it("reads MODEL_NOT_FOUND from an envelope that says so under HTTP 200", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });
    setup.modelscope.failNext(toModel, envelopeError(200, 404, "模型不存在"));

    expect((await failureOf(setup, "modelscope:acme/vision")).code).toBe("MODEL_NOT_FOUND");
  });

  it("answers AUTHENTICATION_REQUIRED naming MODELSCOPE_API_TOKEN for a private model and no token (401)", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS, tokens: TOKENS });

    const failure = await failureOf(setup, "modelscope:acme/secret");

    expect(failure.code).toBe("AUTHENTICATION_REQUIRED");
    expect(failure.message).toContain("set MODELSCOPE_API_TOKEN");
    expect(failure.message).toContain("用户未登录");
  });

  it("answers AUTHENTICATION_REQUIRED when ModelScope refuses the configured token (401)", async () => {
    const setup = await startModelScopeGateway(
      { repos: REPOS, tokens: TOKENS },
      { MODELSCOPE_API_TOKEN: "ms-expired" },
    );

    const failure = await failureOf(setup, "modelscope:acme/vision");

    expect(failure.code).toBe("AUTHENTICATION_REQUIRED");
    expect(failure.message).toContain("ModelScope refused the token in MODELSCOPE_API_TOKEN");
    expect(failure.message).not.toContain("ms-expired");
  });

  it("answers ACCESS_DENIED when the token has no access to a private model (403)", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS, tokens: TOKENS }, { MODELSCOPE_API_TOKEN: "ms-other" });

    expect(await failureOf(setup, "modelscope:acme/secret")).toMatchObject({ code: "ACCESS_DENIED" });
  });

  it("reads a private model with a token it was granted, sent as ModelScope's SDK sends it", async () => {
    const setup = await startModelScopeGateway(
      { repos: REPOS, tokens: TOKENS },
      { MODELSCOPE_API_TOKEN: "ms-granted" },
    );

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/secret" });

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ name: "secret", accessStatus: "PRIVATE" });
    const requests = setup.modelscope.requestsTo("api");
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect([request.authorization, request.cookie]).toEqual(["Bearer ms-granted", "m_session_id=ms-granted"]);
    }
  });

  it("waits out a 429 whose Retry-After fits the retry budget, and answers", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });
    setup.modelscope.failNext(toModel, {
      ...envelopeError(429, 429, "Too many requests"),
      headers: { "retry-after": "0" },
    });

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision" });

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ name: "vision" });
    expect(setup.modelscope.requests.filter(toModel)).toHaveLength(2);
  });

  it("answers RATE_LIMITED with ModelScope's Retry-After when it is past the retry budget", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS }, { REGISTRIES: "local,modelscope" });
    const limited = { ...envelopeError(429, 429, "Too many requests"), headers: { "retry-after": "120" } };
    setup.modelscope.failNext(toModel, limited);
    setup.modelscope.failNext((r) => r.path === "/openapi/v1/models", {
      ...limited,
      body: { success: false, message: "Rate limit exceeded" },
    });

    const failure = await failureOf(setup, "modelscope:acme/vision");
    const search = await setup.gateway.graphql<{ searchModels: { failures: unknown[] } }>(SEARCH);

    expect(failure).toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterSeconds: 120 } });
    expect(search.data?.searchModels.failures).toEqual([
      {
        registry: "modelscope",
        code: "RATE_LIMITED",
        message: "Registry modelscope is rate limiting the gateway; retry in 120 s.",
        retryAfterSeconds: 120,
      },
    ]);
  });

  it("retries 5xx answers and broken connections with backoff, and answers", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });
    setup.modelscope.failNext(toModel, { status: 503, body: "Service Unavailable" }, { status: 0, drop: true });

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision" });

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ name: "vision" });
    expect(setup.modelscope.requests.filter(toModel)).toHaveLength(3);
  });

  it("answers REGISTRY_UNAVAILABLE once MODELSCOPE_MAX_RETRIES retries of a 5xx have failed", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS }, { MODELSCOPE_MAX_RETRIES: "2" });
    const failing = envelopeError(502, 500, "Bad Gateway");
    setup.modelscope.failNext(toModel, failing, failing, failing, failing);

    const failure = await failureOf(setup, "modelscope:acme/vision");

    expect(failure).toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      message: "Registry modelscope is unavailable: it answered HTTP 502 after 3 attempts: Bad Gateway.",
    });
    expect(setup.modelscope.requests.filter(toModel)).toHaveLength(3);
  });

  it.each([
    ["malformed JSON", { status: 200, body: "<html>maintenance</html>" }, "it answered with malformed JSON."],
    [
      "JSON without ModelScope's envelope",
      { status: 200, body: { Name: "vision" } },
      "its answer is not in ModelScope's envelope (neither Code nor success).",
    ],
    [
      "an envelope without its Data",
      { status: 200, body: { Code: 200, Message: "success", Success: true } },
      "its answer is not in ModelScope's envelope (no Data).",
    ],
    [
      "Data of the wrong shape",
      { status: 200, body: { Code: 200, Data: { Name: 42 }, Success: true } },
      "its info of acme/vision is not in ModelScope's format",
    ],
  ] as const)("answers REGISTRY_UNAVAILABLE for %s", async (_what, answer, reason) => {
    const setup = await startModelScopeGateway({ repos: REPOS });
    setup.modelscope.failNext(toModel, answer as ScriptedAnswer);

    const failure = await failureOf(setup, "modelscope:acme/vision");

    expect(failure.code).toBe("REGISTRY_UNAVAILABLE");
    expect(failure.message).toContain(`Registry modelscope is unavailable: ${reason}`);
  });

  it("does not follow an API redirect to another host, so the token cannot leave", async () => {
    const setup = await startModelScopeGateway(
      { repos: REPOS, tokens: TOKENS },
      { MODELSCOPE_API_TOKEN: "ms-granted" },
    );
    setup.modelscope.failNext(toModel, { status: 302, headers: { location: `${setup.modelscope.ossUrl}/elsewhere` } });

    const failure = await failureOf(setup, "modelscope:acme/vision");

    expect(failure.code).toBe("REGISTRY_UNAVAILABLE");
    expect(failure.message).toContain("HTTP 302");
    expect(setup.modelscope.requestsTo("oss")).toEqual([]);
  });
});
