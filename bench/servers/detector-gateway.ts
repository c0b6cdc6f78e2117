import { startBenchApp } from "../bench-app.js";
import { writeDetector } from "../oip-models.js";

/** A gateway in its own process serving the PP-OCR detector, as another gateway's remote backend. */
const bench = await startBenchApp({ MUTATION_RATE_LIMIT: "1000000", EXECUTION_PROVIDERS: "cpu" });
await writeDetector(bench.app.services.config.registries.instances.find((r) => r.name === "local")?.endpoint ?? "");
console.log(`PORT=${new URL(bench.url).port}`);
