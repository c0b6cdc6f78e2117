import { median, startBenchApp, timed } from "./bench-app.js";
import { reportFigure } from "./report.js";

/**
 * What refusing an abusive query costs the server: each is sent in-process (no HTTP, so only the
 * gateway's own work is timed), median of many, against answering `{ __typename }`. Every call
 * differs by a comment, so no parse or validation cache can answer for the gateway.
 * `npm run bench:rejections`
 */
const RUNS = 300;
const bench = await startBenchApp({ REGISTRIES: "local" });
let call = 0;
const post = (query: string) => async () => {
  const response = await bench.app.gateway.fetch("http://gateway/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `${query} # ${call++}` }),
  });
  await response.text();
};
const attacks: Record<string, string> = {
  "alias bomb (500 aliases)": `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: registries { name }`).join(" ")} }`,
  "deep query (depth 40)": `{ ${"searchModels { edges { node { files { ".repeat(10)}path${" } } } }".repeat(10)} }`,
  "costly query (14 searches)": `{ ${Array.from({ length: 14 }, (_, i) => `s${i}: searchModels(first: 100) { edges { node { ref files { path sha256 } inputs { name shape } } } }`).join(" ")} }`,
};
const measure = async (call: () => Promise<void>) => {
  for (let i = 0; i < 30; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(call));
  return median(times);
};
const baseline = await measure(post("{ __typename }"));
for (const [name, query] of Object.entries(attacks)) {
  const refused = await measure(post(query));
  console.log(
    `${name}: refused in ${refused.toFixed(3)} ms (median of ${RUNS}); { __typename } answers in ${baseline.toFixed(3)} ms`,
  );
  reportFigure({
    figure: `refusing ${name}`,
    measured: `${refused.toFixed(3)} ms`,
    baseline: `{ __typename }: ${baseline.toFixed(3)} ms`,
    ratio: refused / baseline,
  });
}
await bench.close();
