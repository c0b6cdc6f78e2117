import { FakeHub } from "../../tests/helpers/fake-hub.js";
import { startManifestServer } from "../../tests/helpers/zoo-manifest-server.js";
import { startBenchApp } from "../bench-app.js";

/**
 * A gateway whose one registry is BENCH_REGISTRY — `local` (the seeded folder), `onnx-zoo` (the
 * zoo's real manifest, served locally) or `hf` (a fake Hub, its info served from the database
 * within HF_CACHE_TTL_SECONDS) — on SQLite or DATABASE_URL's PostgreSQL, warmed with one read of BENCH_REF, for `model(ref)` throughput.
 */
const registry = process.env.BENCH_REGISTRY ?? "local";
const env: Record<string, string> = { REGISTRIES: registry };
// DATABASE_URL (bench:replicas sets it) puts the gateway on PostgreSQL; SQLite otherwise.
if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
if (registry === "onnx-zoo") env.ONNX_ZOO_MANIFEST_URL = (await startManifestServer()).url;
if (registry === "hf") {
  const hub = await FakeHub.start({ repos: [{ id: "acme/vision" }] });
  Object.assign(env, { HF_ENDPOINT: hub.url, HF_CACHE_TTL_SECONDS: "3600" });
}
const bench = await startBenchApp(env);
await bench.query(`{ model(ref: ${JSON.stringify(process.env.BENCH_REF)}) { ref } }`);
console.log(`PORT=${new URL(bench.url).port}`);
process.once("SIGINT", () => process.exit(0));
