import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sampleModels } from "../src/registries/local/sample-models.js";
import { median, timed } from "./bench-app.js";
import { reportFigure } from "./report.js";

/**
 * `npm run bench:startup`: `npm start` to a healthy /health, with a new data folder (the database
 * created and migrated, the samples seeded) and with an existing one, against bare graphql-yoga
 * started the same way (tsx); then the first search of a new database over a local folder of 100
 * models, against the same search asked again.
 */
const RUNS = 3;
const root = await mkdtemp(join(tmpdir(), "gateway-bench-startup-"));
const repo = join(import.meta.dirname, "..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `command` and answers once GET `path` answers 200, with the time that took. */
async function startUntilHealthy(command: string[], env: Record<string, string>, path: string) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: repo,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { host: `localhost:${port}` } })
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) return { ms: performance.now() - started, child, url: `http://127.0.0.1:${port}` };
    if (child.exitCode !== null) throw new Error(`${command.join(" ")} exited with ${child.exitCode}`);
    await sleep(10);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-(child.pid as number), "SIGTERM");
  await exited;
}

const tsx = join(repo, "node_modules/.bin/tsx");
const bare: number[] = [];
const fresh: number[] = [];
const existing: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const baseline = await startUntilHealthy([tsx, "bench/servers/bare-yoga.ts"], {}, "/graphql?query=%7B__typename%7D");
  await stop(baseline.child);
  bare.push(baseline.ms);
  const dataDir = join(root, `data-${run}`);
  for (const times of [fresh, existing]) {
    const gateway = await startUntilHealthy(["npm", "start", "--silent"], { DATA_DIR: dataDir }, "/health");
    await stop(gateway.child);
    times.push(gateway.ms);
  }
}
const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
for (const [label, times] of [
  ["a new data folder", fresh],
  ["an existing data folder", existing],
] as const) {
  reportFigure({
    figure: `npm start to a healthy /health, ${label}`,
    measured: ms(median(times)),
    baseline: `bare graphql-yoga started by tsx: ${ms(median(bare))}`,
    ratio: median(times) / median(bare),
  });
}

// 100 models: the samples copied under new names, half of them folders with model.json.
const modelsDir = join(root, "models");
const samples = sampleModels();
for (let i = 0; i < 100; i++) {
  const sample = samples[i % 2 === 0 ? 0 : 2] as { path: string; bytes: Uint8Array | string };
  const target = i % 2 === 0 ? join(modelsDir, `model-${i}`, "model.onnx") : join(modelsDir, `model-${i}.onnx`);
  await mkdir(join(target, ".."), { recursive: true });
  await writeFile(target, sample.bytes);
}
await cp(join(modelsDir, "model-0"), join(modelsDir, "model-0-copy"), { recursive: true });
const SEARCH = JSON.stringify({ query: "{ searchModels(first: 20) { edges { node { ref sizeBytes } } } }" });
const firstSearches: number[] = [];
const againSearches: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const gateway = await startUntilHealthy(
    [tsx, "src/main.ts"],
    { DATA_DIR: join(root, `search-${run}`), LOCAL_MODELS_DIR: modelsDir, REGISTRIES: "local" },
    "/health",
  );
  const search = () =>
    fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", host: new URL(gateway.url).host },
      body: SEARCH,
    }).then(async (response) => {
      const body = (await response.json()) as { data?: { searchModels: { edges: unknown[] } } };
      if (body.data?.searchModels.edges.length !== 20) throw new Error(`search: ${JSON.stringify(body)}`);
    });
  firstSearches.push(await timed(search));
  againSearches.push(await timed(search));
  await stop(gateway.child);
}
reportFigure({
  figure: "first search of a new database, local folder of 100 models",
  measured: ms(median(firstSearches)),
  baseline: `the same search again: ${ms(median(againSearches))}`,
  ratio: median(firstSearches) / median(againSearches),
});
console.log(
  `start-up: bare yoga ${bare.map(ms).join(", ")}; new data ${fresh.map(ms).join(", ")}; existing ${existing.map(ms).join(", ")}`,
);
console.log(`first search ${firstSearches.map(ms).join(", ")}; again ${againSearches.map(ms).join(", ")}`);
await rm(root, { recursive: true, force: true });
