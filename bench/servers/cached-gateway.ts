import { RegistrySet } from "../../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "../../tests/helpers/fake-registry.js";
import { startBenchApp } from "../bench-app.js";

/** A registry whose info the gateway serves from SQLite for an hour, as it does for the Hub. */
class CachedRegistry extends FakeRegistry {
  readonly infoCacheTtlMs = 3_600_000;
}

const registry = new CachedRegistry("cached", fakeModels("cached", 10));
const bench = await startBenchApp({}, { registries: new RegistrySet([registry]) });
await bench.query('{ model(ref: "cached:cached-model-001") { ref } }'); // fills the cache
console.log(`PORT=${new URL(bench.url).port}`);
