import { describe, expect, it } from "vitest";
import { RegistryUnavailable } from "../src/domain/errors.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModel, fakeModels } from "./helpers/fake-registry.js";
import { startTestApp } from "./helpers/test-app.js";

const MODELS = `query Models($refs: [String!]!) {
  models(refs: $refs) { ref name revision files { path } stale }
}`;

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref name revision stale fetchedAt } }`;

interface ModelData {
  ref: string;
  name: string;
  revision: string | null;
  stale: boolean;
}

describe("model lookups", () => {
  it("batches 50 references into one call per registry, deduplicated", async () => {
    const alpha = new FakeRegistry("alpha", fakeModels("alpha", 30));
    const beta = new FakeRegistry("beta", fakeModels("beta", 50));
    const gateway = await startTestApp({ registries: new RegistrySet([alpha, beta]) });
    const refs = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? `alpha:alpha-model-${String(i % 20).padStart(3, "0")}`
        : `beta:beta-model-${String(i).padStart(3, "0")}`,
    );

    const { data, errors } = await gateway.graphql<{ models: ModelData[] }>(MODELS, { refs });

    expect(errors).toBeUndefined();
    expect(data?.models.map((m) => m.ref)).toEqual(refs);
    expect(alpha.infoBatches).toHaveLength(1);
    expect(beta.infoBatches).toHaveLength(1);
    expect(alpha.infoBatches[0]).toHaveLength(10); // 25 refs, 10 distinct
    expect(beta.infoBatches[0]).toHaveLength(25);
  });

  it("loads search results' details in one batch per registry", async () => {
    const alpha = new FakeRegistry("alpha", fakeModels("alpha", 12));
    const gateway = await startTestApp({ registries: new RegistrySet([alpha]) });

    const { data } = await gateway.graphql<{ searchModels: { edges: Array<{ node: { revision: string } }> } }>(
      "{ searchModels(first: 12) { edges { node { revision files { path } } } } }",
    );

    expect(data?.searchModels.edges.map((e) => e.node.revision)).toHaveLength(12);
    expect(alpha.infoBatches).toHaveLength(1);
  });

  it("reads the pull history of many models with the same few statements as of a few", async () => {
    const alpha = new FakeRegistry("alpha", fakeModels("alpha", 30));
    const statements: string[] = [];
    const gateway = await startTestApp({
      registries: new RegistrySet([alpha]),
      onQuery: (sql) => statements.push(sql),
    });
    for (const model of alpha.models) {
      await gateway.app.services.db.pull.create({
        data: {
          id: `pull-${model.id}`,
          ref: `alpha:${model.id}`,
          registry: "alpha",
          modelId: model.id,
          status: "SUCCEEDED",
          patterns: [],
          files: { create: [{ path: "model.onnx", status: "VERIFIED" }] },
        },
      });
    }
    const pullStatements = async (count: number) => {
      statements.length = 0;
      const refs = alpha.models.slice(0, count).map((m) => `alpha:${m.id}`);
      const { data } = await gateway.graphql<{ models: Array<{ pulls: Array<{ id: string; files: unknown[] }> }> }>(
        "query($refs: [String!]!) { models(refs: $refs) { pulls { id status files { path } } } }",
        { refs },
      );
      expect(data?.models.map((m) => m.pulls.map((p) => p.files.length))).toEqual(refs.map(() => [1]));
      // SQLite quotes names with backticks, PostgreSQL with double quotes.
      return statements.filter((sql) => /[`"]Pull(File)?[`"]/.test(sql)).length;
    };

    const few = await pullStatements(3);
    const many = await pullStatements(30);

    expect(few).toBeGreaterThan(0);
    expect(many).toBe(few);
  });

  it("answers MODEL_NOT_FOUND for an unknown model and null in its place", async () => {
    const gateway = await startTestApp({
      registries: new RegistrySet([new FakeRegistry("alpha", fakeModels("alpha", 1))]),
    });

    const one = await gateway.graphql(MODEL, { ref: "alpha:nope" });
    const many = await gateway.graphql<{ models: Array<ModelData | null> }>(MODELS, {
      refs: ["alpha:alpha-model-000", "alpha:nope", "not a ref"],
    });

    expect(one.status).toBe(200);
    expect(one.data).toEqual({ model: null });
    expect(one.errors?.[0]?.extensions?.code).toBe("MODEL_NOT_FOUND");
    expect(many.data?.models.map((m) => m?.ref ?? null)).toEqual(["alpha:alpha-model-000", null, null]);
    expect(many.errors?.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([
      [["models", 1], "MODEL_NOT_FOUND"],
      [["models", 2], "BAD_USER_INPUT"],
    ]);
  });

  it("serves the stored copy, flagged stale, when the registry becomes unreachable", async () => {
    const alpha = new FakeRegistry("alpha", [fakeModel("alpha", 7)]);
    const gateway = await startTestApp({ registries: new RegistrySet([alpha]) });
    const fresh = await gateway.graphql<{ model: ModelData & { fetchedAt: string } }>(MODEL, {
      ref: "alpha:alpha-model-007",
    });

    alpha.behaviour.failWith = () => new RegistryUnavailable("alpha", "connection refused");
    const stale = await gateway.graphql<{ model: ModelData & { fetchedAt: string } }>(MODEL, {
      ref: "alpha:alpha-model-007",
    });
    const never = await gateway.graphql(MODEL, { ref: "alpha:alpha-model-001" });

    expect(fresh.data?.model).toMatchObject({ name: "alpha-model-007", revision: "commit-7", stale: false });
    expect(stale.errors).toBeUndefined();
    expect(stale.data?.model).toEqual({ ...fresh.data?.model, stale: true });
    expect(never.data).toEqual({ model: null });
    expect(never.errors?.[0]?.extensions?.code).toBe("REGISTRY_UNAVAILABLE");
  });

  it("keeps one stored row per registry, id and revision, updated on every read", async () => {
    const alpha = new FakeRegistry("alpha", [fakeModel("alpha", 1)]);
    const gateway = await startTestApp({ registries: new RegistrySet([alpha]) });

    await gateway.graphql(MODEL, { ref: "alpha:alpha-model-001" });
    alpha.models[0] = fakeModel("alpha", 1, {
      name: "renamed",
      files: [{ path: "b.onnx", sizeBytes: 1, sha256: null }],
    });
    await gateway.graphql(MODEL, { ref: "alpha:alpha-model-001" });
    await gateway.graphql(MODEL, { ref: "alpha:alpha-model-001@v2" });

    const rows = await gateway.app.services.db.modelRecord.findMany({
      include: { files: true },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => [r.modelId, r.revision, r.name, r.files.map((f) => f.path)])).toEqual([
      ["alpha-model-001", "", "renamed", ["b.onnx"]],
      ["alpha-model-001", "v2", "renamed", ["b.onnx"]],
    ]);
  });
});
