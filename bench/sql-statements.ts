import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "../tests/helpers/fake-registry.js";
import { startBenchApp } from "./bench-app.js";
import { reportFigure } from "./report.js";

/**
 * SQL statements per request for 50 models with their files and pulls, against the same query for
 * one model: with per-request DataLoaders the count stays flat as models are added, where
 * resolving each model on its own would multiply it. `npm run bench:sql`
 */
class CachedRegistry extends FakeRegistry {
  readonly infoCacheTtlMs = 3_600_000;
}

const MODELS = 50;
const registry = new CachedRegistry("cached", fakeModels("cached", MODELS));
let statements = 0;
const bench = await startBenchApp({}, { registries: new RegistrySet([registry]), onQuery: () => statements++ });
for (const model of registry.models) {
  await bench.app.services.db.pull.create({
    data: {
      id: `pull-${model.id}`,
      ref: `cached:${model.id}`,
      registry: "cached",
      modelId: model.id,
      status: "SUCCEEDED",
      patterns: [],
      files: { create: [{ path: "model.onnx", status: "VERIFIED" }] },
    },
  });
}
const query =
  "query($refs: [String!]!) { models(refs: $refs) { ref files { path sha256 } pulls { id status files { path } } } }";
const countFor = async (count: number) => {
  const refs = registry.models.slice(0, count).map((model) => `cached:${model.id}`);
  await bench.query(query, { refs }); // the first read fills the info cache (one registry call, one upsert per model)
  statements = 0;
  await bench.query(query, { refs });
  return statements;
};

const one = await countFor(1);
const fifty = await countFor(MODELS);
console.log(`SQL statements per request: ${fifty} for ${MODELS} models with files and pulls, ${one} for 1 model`);
reportFigure({
  figure: `SQL statements per request, ${MODELS} models with files and pulls`,
  measured: `${fifty} statements`,
  baseline: `${one} for 1 model`,
  ratio: fifty / one,
});
await bench.close();
