import autocannon from "autocannon";
import { median } from "./bench-app.js";
import { reportFigure } from "./report.js";
import { spawnServer } from "./spawn-server.js";

/**
 * Cached `model(ref)` queries per second, with files and signature, for each kind of registry a
 * read can be answered without asking it (the local folder, the zoo's manifest, the Hub within its
 * TTL), against a bare graphql-yoga answering `{ __typename }`: each server in its own process,
 * all loaded the same way, alternating rounds. `npm run bench:throughput`
 */
const ROUNDS = 3;
const SECONDS = 5;
const FIELDS = "ref name files { path sizeBytes sha256 } inputs { name elementType shape } outputs { name shape }";
const CASES = [
  { registry: "local", ref: "local:mlp-classifier" },
  { registry: "onnx-zoo", ref: "onnx-zoo:MNIST" },
  { registry: "hf", ref: "hf:acme/vision" },
];

async function requestsPerSecond(url: string, query: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
    connections: 16,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

const bare = await spawnServer("bare-yoga.ts");
const gateways = await Promise.all(
  CASES.map((c) => spawnServer("registry-gateway.ts", { BENCH_REGISTRY: c.registry, BENCH_REF: c.ref })),
);
const bareRuns: number[] = [];
const runs = CASES.map(() => [] as number[]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    bareRuns.push(await requestsPerSecond(bare.url, "{ __typename }"));
    for (const [i, c] of CASES.entries()) {
      const gateway = gateways[i] as { url: string };
      runs[i]?.push(await requestsPerSecond(gateway.url, `{ model(ref: ${JSON.stringify(c.ref)}) { ${FIELDS} } }`));
    }
  }
} finally {
  bare.process.kill();
  for (const gateway of gateways) gateway.process.kill();
}
const baseline = median(bareRuns);
for (const [i, c] of CASES.entries()) {
  const measured = median(runs[i] ?? []);
  console.log(`cached model(ref) ${c.ref}: ${measured.toFixed(0)} req/s; bare yoga ${baseline.toFixed(0)} req/s`);
  reportFigure({
    figure: `cached model(ref) with files and signature, ${c.registry}`,
    measured: `${measured.toFixed(0)} req/s`,
    baseline: `bare graphql-yoga { __typename }: ${baseline.toFixed(0)} req/s`,
    ratio: measured / baseline,
  });
}
