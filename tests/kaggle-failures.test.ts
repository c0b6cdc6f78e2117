import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  droppedConnection,
  FakeKaggle,
  type FakeKaggleModel,
  type KaggleRequest,
  rateLimitedAnswer,
  unavailableAnswer,
} from "./helpers/fake-kaggle.js";
import { type KaggleGateway, startKaggleGateway } from "./helpers/kaggle-gateway.js";
import { pullModel } from "./helpers/pulls.js";
import { startTestApp } from "./helpers/test-app.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref revision } }`;
const SEARCH = `{ searchModels(first: 3) { edges { node { ref } } failures { registry code message retryAfterSeconds } } }`;
const REGISTRIES = `{ registries { name status } }`;

const USER = { username: "ada", key: "0123456789abcdef", token: "KGAT_ada" };
const BOB = { username: "bob", key: "fedcba9876543210", token: "KGAT_bob" };
const PRIVATE_REF = "kaggle:ada/secret/pyTorch/default";
const GEMMA_REF = "kaggle:google/gemma/keras/gemma_2b_en";
const REF = "kaggle:google/mobilenet-v2/tfLite/default";

const MODELS: FakeKaggleModel[] = [
  {
    owner: "google",
    slug: "mobilenet-v2",
    instances: [{ framework: "tfLite", slug: "default", versions: [[{ name: "1.tflite", content: "weights" }]] }],
  },
  {
    owner: "ada",
    slug: "secret",
    isPrivate: true,
    readers: ["ada"],
    instances: [{ framework: "pyTorch", slug: "default", versions: [[{ name: "model.pt", content: "p" }]] }],
  },
  {
    owner: "google",
    slug: "gemma",
    consented: [],
    instances: [{ framework: "keras", slug: "gemma_2b_en", versions: [[{ name: "model.weights.h5", content: "k" }]] }],
  },
];

const isInstance = (request: KaggleRequest) => request.rpc === "GetModelInstance";

const statusOf = async (gateway: KaggleGateway) =>
  (
    await gateway.gateway.graphql<{ registries: Array<{ name: string; status: string }> }>(REGISTRIES)
  ).data?.registries.find((registry) => registry.name === "kaggle")?.status;

describe("Kaggle credentials and refusals", () => {
  it("answers AUTHENTICATION_REQUIRED naming KAGGLE_API_TOKEN and KAGGLE_USERNAME/KAGGLE_KEY when Kaggle refuses the credentials", async () => {
    const setup = await startKaggleGateway({ models: MODELS, users: [USER] }, { KAGGLE_API_TOKEN: "KGAT_expired" });

    const model = await setup.gateway.graphql(MODEL, { ref: REF });
    const search = await setup.gateway.graphql<{ searchModels: { failures: Array<{ code: string }> } }>(SEARCH);

    expect(model.errors?.[0]?.extensions?.code).toBe("AUTHENTICATION_REQUIRED");
    expect(model.errors?.[0]?.message).toBe(
      `Model ${REF} needs a token (it is private, gated or missing): Kaggle refused the configured credentials (Kaggle said: Unauthenticated); set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY with valid ones.`,
    );
    expect(search.data?.searchModels.failures).toMatchObject([{ code: "AUTHENTICATION_REQUIRED" }]);
  });

  it("sends the token an instance of REGISTRIES_FILE names, and points at that file when Kaggle refuses it", async () => {
    const kaggle = await FakeKaggle.start({ models: MODELS, users: [USER] });
    const file = join(await mkdtemp(join(tmpdir(), "kaggle-registries-")), "registries.yaml");
    await writeFile(
      file,
      `registries:\n  - name: team-kaggle\n    kind: kaggle\n    endpoint: ${kaggle.url}\n    credentials: { token: TEAM_KAGGLE_TOKEN }\n`,
    );
    const gateway = await startTestApp({
      env: { REGISTRIES: "team-kaggle", REGISTRIES_FILE: file, TEAM_KAGGLE_TOKEN: "KGAT_revoked" },
    });
    try {
      const { errors } = await gateway.graphql(MODEL, { ref: "team-kaggle:google/mobilenet-v2/tfLite/default" });

      expect(errors?.[0]?.extensions?.code).toBe("AUTHENTICATION_REQUIRED");
      expect(errors?.[0]?.message).toContain("give registry team-kaggle credentials in REGISTRIES_FILE");
      expect(kaggle.requests.map((r) => r.headers.authorization)).toContain("Bearer KGAT_revoked");
    } finally {
      await gateway.close();
      await kaggle.close();
    }
  });

  it("tells an anonymous gateway that Kaggle asks for credentials which variables to set", async () => {
    const setup = await startKaggleGateway({ models: MODELS });
    setup.kaggle.failNext(isInstance, {
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: 401, message: "Unauthenticated" }),
    });

    const { errors } = await setup.gateway.graphql(MODEL, { ref: REF });

    expect(errors?.[0]?.extensions?.code).toBe("AUTHENTICATION_REQUIRED");
    expect(errors?.[0]?.message).toContain(": set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY (Kaggle said");
  });

  it("answers ACCESS_DENIED for a private model, suggesting credentials only to an anonymous gateway", async () => {
    const users = [USER, BOB];
    const setup = await startKaggleGateway({ models: MODELS, users });
    const anonymous = await setup.gateway.graphql(MODEL, { ref: PRIVATE_REF });
    await setup.close();
    const asBob = await startKaggleGateway({ models: MODELS, users }, { KAGGLE_API_TOKEN: BOB.token });
    const other = await asBob.gateway.graphql(MODEL, { ref: PRIVATE_REF });

    expect(anonymous.errors?.[0]).toMatchObject({
      message: `Registry kaggle refused model ${PRIVATE_REF}: it may be private; set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY (Kaggle said: Permission 'models.get' was denied).`,
      extensions: { code: "ACCESS_DENIED" },
    });
    expect(other.errors?.[0]).toMatchObject({
      message: `Registry kaggle refused model ${PRIVATE_REF}: the configured credentials have no access to it (Kaggle said: Permission 'models.get' was denied).`,
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("says that a model's licence must be accepted first when Kaggle refuses its download for that reason, before any download", async () => {
    const setup = await startKaggleGateway({ models: MODELS, users: [USER] }, { KAGGLE_API_TOKEN: USER.token });

    const result = await pullModel(setup.gateway, GEMMA_REF);

    expect(result).toMatchObject({
      __typename: "GatewayError",
      code: "ACCESS_DENIED",
      message: expect.stringContaining(
        `its licence must be accepted first: open https://www.kaggle.com/models/google/gemma/keras/gemma_2b_en signed in as the account of the configured credentials and accept it`,
      ),
    });
    expect(setup.kaggle.storage.requests).toEqual([]);
  });
});

describe("Kaggle rate limits and failures", () => {
  it("waits out a 429's Retry-After within the retry budget, answers, and marks the registry DEGRADED", async () => {
    const setup = await startKaggleGateway({ models: MODELS });
    setup.kaggle.failNext(isInstance, rateLimitedAnswer(1));

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: REF });

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({ ref: REF, revision: "1" });
    expect(setup.kaggle.calls("GetModelInstance")).toHaveLength(2);
    expect(await statusOf(setup)).toBe("DEGRADED");
  });

  it("answers RATE_LIMITED with retryAfterSeconds when Retry-After is beyond the retry budget", async () => {
    const setup = await startKaggleGateway({ models: MODELS });
    setup.kaggle.failNext(isInstance, rateLimitedAnswer(120));
    setup.kaggle.failNext((request) => request.rpc === "ListModels", rateLimitedAnswer(120));

    const model = await setup.gateway.graphql(MODEL, { ref: REF });
    const search = await setup.gateway.graphql(SEARCH);

    expect(model.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 120 });
    expect(search.data?.searchModels).toEqual({
      edges: [],
      failures: [
        {
          registry: "kaggle",
          code: "RATE_LIMITED",
          message: "Registry kaggle is rate limiting the gateway; retry in 120 s.",
          retryAfterSeconds: 120,
        },
      ],
    });
  });

  it("retries a 5xx and a dropped connection with backoff and answers once Kaggle recovers", async () => {
    const setup = await startKaggleGateway({ models: MODELS });
    setup.kaggle.failNext(isInstance, unavailableAnswer, droppedConnection);

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: REF });

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({ ref: REF, revision: "1" });
    expect(setup.kaggle.calls("GetModelInstance")).toHaveLength(3);
  });

  it("answers REGISTRY_UNAVAILABLE after KAGGLE_MAX_RETRIES retries when Kaggle stays down", async () => {
    const setup = await startKaggleGateway({ models: MODELS }, { KAGGLE_MAX_RETRIES: "2" });
    setup.kaggle.failNext(isInstance, ...Array.from({ length: 5 }, () => unavailableAnswer));

    const { errors } = await setup.gateway.graphql(MODEL, { ref: REF });

    expect(errors?.[0]).toMatchObject({
      message: "Registry kaggle is unavailable: it answered HTTP 503 to GetModelInstance after 3 attempts.",
      extensions: { code: "REGISTRY_UNAVAILABLE" },
    });
    expect(setup.kaggle.calls("GetModelInstance")).toHaveLength(3);
    expect(await statusOf(setup)).toBe("UNREACHABLE");
  });

  it("answers REGISTRY_UNAVAILABLE for malformed JSON and for JSON that is not Kaggle's", async () => {
    const setup = await startKaggleGateway({ models: MODELS });
    setup.kaggle.failNext(isInstance, { status: 200, body: '{"slug": "default", ' });
    const malformed = await setup.gateway.graphql(MODEL, { ref: REF });
    setup.kaggle.failNext(isInstance, { status: 200, body: '{"versionNumber": "three"}' });
    const foreign = await setup.gateway.graphql(MODEL, { ref: REF });

    expect(malformed.errors?.[0]).toMatchObject({
      message: "Registry kaggle is unavailable: it answered GetModelInstance with malformed JSON.",
      extensions: { code: "REGISTRY_UNAVAILABLE" },
    });
    expect(foreign.errors?.[0]?.extensions?.code).toBe("REGISTRY_UNAVAILABLE");
    expect(foreign.errors?.[0]?.message).toContain("its model instance is not in Kaggle's format");
  });

  it("treats a 200 whose JSON carries an error code as that error, as the Kaggle SDK does", async () => {
    const setup = await startKaggleGateway({ models: MODELS });
    setup.kaggle.failNext(isInstance, { status: 200, body: JSON.stringify({ code: 404, message: "Not found" }) });

    const { errors } = await setup.gateway.graphql(MODEL, { ref: REF });

    expect(errors?.[0]?.extensions?.code).toBe("MODEL_NOT_FOUND");
  });
});
