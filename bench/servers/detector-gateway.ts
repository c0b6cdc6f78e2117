import { startBenchApp } from "../bench-app.js";
import { writeDetector } from "../oip-models.js";

/**
 * A gateway in its own process serving the PP-OCR detector (CPU only, no rate limit), so the
 * benchmark's client never shares its event loop. INFERENCE_BACKENDS, when set, is passed on.
 */
const bench = await startBenchApp({
  MUTATION_RATE_LIMIT: "1000000",
  EXECUTION_PROVIDERS: "cpu",
  ...(process.env.INFERENCE_BACKENDS ? { INFERENCE_BACKENDS: process.env.INFERENCE_BACKENDS } : {}),
});
await writeDetector(bench.app.services.config.registries.instances.find((r) => r.name === "local")?.endpoint ?? "");
console.log(`PORT=${new URL(bench.url).port} THREADS=${bench.app.services.config.inference.intraOpThreads}`);
