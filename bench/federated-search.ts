import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "../tests/helpers/fake-registry.js";
import { median, startBenchApp, timed } from "./bench-app.js";
import { reportFigure } from "./report.js";

/**
 * Federated search latency against the slowest registry alone (the fan-out should cost about
 * nothing on top of the slowest registry), and the batch calls a 50-reference query makes.
 * `npm run bench:search`
 */
const DELAYS_MS = [50, 200, 1000];
const RUNS = 7;

const registries = DELAYS_MS.map(
  (delay) => new FakeRegistry(`r${delay}`, fakeModels(`r${delay}`, 40), { delayMs: delay }),
);
const bench = await startBenchApp({ REGISTRY_TIMEOUT_MS: "5000" }, { registries: new RegistrySet(registries) });
const search = (names: string[]) =>
  bench.query(`query($r: [String!]) { searchModels(registries: $r, first: 20) { edges { node { ref } } } }`, {
    r: names,
  });

const slowest = registries.at(-1)?.name as string;
const all = registries.map((r) => r.name);
await search(all); // warm-up: schema, connections
const alone: number[] = [];
const federated: number[] = [];
for (let run = 0; run < RUNS; run++) {
  // Alternate the order so drift on a noisy machine hits both sides alike.
  if (run % 2) {
    alone.push(await timed(() => search([slowest])));
    federated.push(await timed(() => search(all)));
  } else {
    federated.push(await timed(() => search(all)));
    alone.push(await timed(() => search([slowest])));
  }
}

for (const registry of registries) registry.infoBatches.length = 0;
const refs = Array.from({ length: 50 }, (_, i) => {
  const registry = registries[i % registries.length] as FakeRegistry;
  return `${registry.name}:${registry.models[i % 17]?.id}`;
});
await bench.query("query($refs: [String!]!) { models(refs: $refs) { ref } }", { refs });
const batches = registries.map(
  (r) => `${r.name}: ${r.infoBatches.length} call(s), ${r.infoBatches[0]?.length ?? 0} ids`,
);

console.log(`federated search over registries answering in ${DELAYS_MS.join(", ")} ms (median of ${RUNS}):`);
console.log(`  all three:        ${median(federated).toFixed(1)} ms`);
console.log(`  slowest alone:    ${median(alone).toFixed(1)} ms`);
console.log(`  ratio:            ${(median(federated) / median(alone)).toFixed(3)}`);
console.log(`50 references over ${registries.length} registries -> ${batches.join("; ")}`);
reportFigure({
  figure: `federated search over registries of ${DELAYS_MS.join(", ")} ms`,
  measured: `${median(federated).toFixed(0)} ms`,
  baseline: `the ${DELAYS_MS.at(-1)} ms registry alone: ${median(alone).toFixed(0)} ms`,
  ratio: median(federated) / median(alone),
});
await bench.close();
