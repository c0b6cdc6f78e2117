import { RegistrySet } from "../../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "../../tests/helpers/fake-registry.js";
import { startBenchApp } from "../bench-app.js";

/** A registry whose info the gateway serves from its database for an hour, as it does for the Hub. */
class CachedRegistry extends FakeRegistry {
  readonly infoCacheTtlMs = 3_600_000;
}

const registry = new CachedRegistry("cached", fakeModels("cached", 10));
// DATABASE_URL (bench/replicas.ts sets it) puts the gateway on PostgreSQL; SQLite otherwise.
const database: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {};
const bench = await startBenchApp(database, { registries: new RegistrySet([registry]) });
await bench.query('{ model(ref: "cached:cached-model-001") { ref } }'); // fills the cache
console.log(`PORT=${new URL(bench.url).port}`);
