import autocannon from "autocannon";
import { median } from "./bench-app.js";
import { reportFigure } from "./report.js";
import { spawnServer } from "./spawn-server.js";

/**
 * Cached `model(ref)` queries per second through the whole gateway (limits, auth, DataLoader,
 * SQLite) against a bare graphql-yoga answering `{ __typename }`, each in its own process and
 * loaded the same way. `npm run bench:throughput`
 */
const ROUNDS = 3;
const SECONDS = 5;

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

async function modelThroughput(): Promise<{ bare: number; gateway: number; ratio: number }> {
  const bare = await spawnServer("bare-yoga.ts");
  const gateway = await spawnServer("cached-gateway.ts");
  const bareRuns: number[] = [];
  const gatewayRuns: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      bareRuns.push(await requestsPerSecond(bare.url, "{ __typename }"));
      gatewayRuns.push(
        await requestsPerSecond(
          gateway.url,
          '{ model(ref: "cached:cached-model-001") { ref name files { path sha256 } } }',
        ),
      );
    }
  } finally {
    bare.process.kill();
    gateway.process.kill();
  }
  return { bare: median(bareRuns), gateway: median(gatewayRuns), ratio: median(gatewayRuns) / median(bareRuns) };
}

{
  const { bare, gateway, ratio } = await modelThroughput();
  console.log(
    `cached model(ref) queries/s: gateway ${gateway.toFixed(0)}, bare yoga { __typename } ${bare.toFixed(0)}, ratio ${ratio.toFixed(3)}`,
  );
  reportFigure({
    figure: "cached model(ref) queries per second",
    measured: `${gateway.toFixed(0)} req/s`,
    baseline: `bare graphql-yoga { __typename }: ${bare.toFixed(0)} req/s`,
    ratio,
  });
}
