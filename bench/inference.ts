import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import ort from "onnxruntime-node";
import { startBenchApp, timed } from "./bench-app.js";
import { BENCH_MODELS, type BenchModel, benchInput, LARGE_BATCH, writeBenchModels } from "./inference-models.js";
import { reportFigure } from "./report.js";

/**
 * `npm run bench:inference`: for each execution provider that initialises here, the latency of
 * runInference on a small, a large generated and a real model, its speed-up over CPU and its
 * largest difference from CPU's outputs; the mutation's overhead over a direct onnxruntime-node
 * call on the same input; and `{ __typename }` latency while 8 inferences run.
 */
const CONCURRENT = 8;
const WARM_UP = 2;

const modelsDir = await mkdtemp(join(os.tmpdir(), "gateway-bench-models-"));
const bench = await startBenchApp({
  // The benchmark calls runInference far more often than a client may.
  MUTATION_RATE_LIMIT: "1000000",
  LOCAL_MODELS_DIR: modelsDir,
  SESSION_CACHE_SIZE: "16",
  // Where the Prisma CLI is not installed (a packed production install), DATA_DIR names a migrated copy.
  ...(process.env.DATA_DIR ? { DATA_DIR: process.env.DATA_DIR } : {}),
});
await writeBenchModels(modelsDir);

interface ProviderState {
  provider: string;
  enabled: boolean;
  initialized: boolean;
  error: string | null;
}
const { runtime } = await bench.query<{ runtime: { providers: ProviderState[]; gpu: { name: string } | null } }>(
  "{ runtime { providers { provider enabled initialized error } gpu { name } } }",
);
// CPU first: it is the reference for speed-ups and differences.
const providers = runtime.providers
  .filter((p) => p.enabled && p.initialized)
  .map((p) => p.provider)
  .sort((a, b) => Number(b === "CPU") - Number(a === "CPU"));

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const memory = `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
console.log(`# runInference benchmark, onnxruntime-node ${ort.env.versions.node}`);
console.log(`machine: ${os.availableParallelism()} × ${cpu}, ${os.arch()}, ${memory}, Node ${process.version}`);
console.log(`GPU: ${runtime.gpu?.name ?? "none found"}`);
for (const p of runtime.providers) {
  const state = p.initialized ? "initialises" : `does not initialise (${p.error})`;
  console.log(`provider ${p.provider}: ${state}${p.enabled ? "" : ", not enabled"}`);
}

const RUN = `mutation($input: RunInferenceInput!) { runInference(input: $input) {
  __typename ... on GatewayError { code message } ... on InferenceResult { provider outputs { base64 } } } }`;

/** Runs the model through the gateway; gives the provider that ran it and its first output. */
async function mutate(model: BenchModel, provider: string, base64: string) {
  const { runInference: result } = await bench.query<{
    runInference: { message?: string; provider?: string; outputs?: Array<{ base64: string }> };
  }>(RUN, {
    input: {
      model: model.ref,
      inputs: [{ name: model.input.name, elementType: "FLOAT32", shape: model.input.shape, base64 }],
      executionProvider: provider,
      outputEncoding: "BASE64",
    },
  });
  if (!result.outputs) throw new Error(`${model.ref} on ${provider}: ${result.message}`);
  const bytes = Uint8Array.from(Buffer.from(result.outputs[0]?.base64 ?? "", "base64"));
  return { provider: result.provider as string, output: new Float32Array(bytes.buffer) };
}

async function latencies(iterations: number, call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) times.push(await timed(call));
  return times;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs((a[i] as number) - (b[i] as number)));
  return largest;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const table = (headers: string[], rows: string[][]) =>
  [headers, headers.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");

const latencyRows: string[][] = [];
const overheadRows: string[][] = [];
for (const model of BENCH_MODELS) {
  const input = benchInput(model);
  const base64 = Buffer.from(input.buffer).toString("base64");
  let reference: { p50: number; output: Float32Array } | null = null;
  for (const provider of providers) {
    try {
      let output: Float32Array = new Float32Array();
      const times = await latencies(model.iterations, async () => {
        output = (await mutate(model, provider, base64)).output;
      });
      const p50 = percentile(times, 50);
      reference ??= { p50, output };
      const scale = output.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
      latencyRows.push([
        model.label,
        provider,
        ms(p50),
        ms(percentile(times, 95)),
        `${(reference.p50 / p50).toFixed(2)}×`,
        provider === "CPU"
          ? "—"
          : `${largestDifference(output, reference.output).toExponential(1)} (of ${scale.toPrecision(3)})`,
      ]);
      const session = await ort.InferenceSession.create(join(modelsDir, model.file), {
        executionProviders: [provider.toLowerCase()],
      });
      const feeds = { [model.input.name]: new ort.Tensor("float32", input, model.input.shape) };
      const direct = percentile(await latencies(model.iterations, () => session.run(feeds)), 50);
      await session.release();
      overheadRows.push([model.label, provider, ms(direct), ms(p50), ms(p50 - direct)]);
      reportFigure({
        figure: `inference latency, ${model.label} on ${provider} (p50)`,
        measured: `runInference ${ms(p50)}`,
        baseline: `direct session.run() ${ms(direct)}`,
        ratio: p50 / direct,
      });
    } catch (error) {
      latencyRows.push([model.label, provider, `failed: ${(error as Error).message}`, "", "", ""]);
    }
  }
}

// The fixed cost of a call: the small model's runInference against { __typename }, taking turns.
const small = BENCH_MODELS[0] as BenchModel;
const smallBase64 = Buffer.from(benchInput(small).buffer).toString("base64");
const typenameTimes: number[] = [];
const smallTimes: number[] = [];
for (let i = 0; i < WARM_UP; i++) await mutate(small, "CPU", smallBase64);
for (let i = 0; i < small.iterations; i++) {
  typenameTimes.push(await timed(() => bench.query("{ __typename }")));
  smallTimes.push(await timed(() => mutate(small, "CPU", smallBase64)));
}
const typenameP50 = percentile(typenameTimes, 50);
const smallP50 = percentile(smallTimes, 50);
reportFigure({
  figure: `fixed overhead of runInference, ${small.label} on CPU (p50)`,
  measured: `${ms(smallP50)}, ${ms(smallP50 - typenameP50)} over { __typename }`,
  baseline: `{ __typename } ${ms(typenameP50)}`,
  ratio: smallP50 / typenameP50,
});

console.log(`\n## Latency through runInference (p50/p95 over HTTP, base64 tensors)\n`);
console.log(
  table(["model", "provider", "p50", "p95", "speed-up over CPU", "largest difference from CPU"], latencyRows),
);
console.log(`\n## Overhead of the mutation over a direct onnxruntime-node call (p50, same input, same provider)\n`);
console.log(table(["model", "provider", "direct session.run()", "runInference", "overhead"], overheadRows));

/** `{ __typename }` latencies while `load` runs CONCURRENT at a time, `waves` times over; and the loop's own delay. */
async function typenameWhile(load: () => Promise<unknown>, waves: number): Promise<string[]> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let rss = process.memoryUsage.rss();
  let running = true;
  const work = (async () => {
    for (let wave = 0; wave < waves; wave++) await Promise.all(Array.from({ length: CONCURRENT }, load));
    running = false;
  })();
  const times: number[] = [];
  while (running) {
    times.push(await timed(() => bench.query("{ __typename }")));
    rss = Math.max(rss, process.memoryUsage.rss());
    await sleep(5);
  }
  await work;
  delay.disable();
  const p99 = percentile(times, 99);
  return [
    String(times.length),
    ms(percentile(times, 50)),
    ms(p99),
    ms(Math.max(...times)),
    ms(delay.percentile(99) / 1e6),
    `${Math.round(rss / 2 ** 20)} MiB`,
  ];
}

const large = BENCH_MODELS.find((model) => model.ref === "local:large-mlp") as BenchModel;
const largeInput = benchInput(large);
const largeBase64 = Buffer.from(largeInput.buffer).toString("base64");
const auto = (await mutate(large, "AUTO", largeBase64)).provider;
const onMainThread = await ort.InferenceSession.create(join(modelsDir, large.file));
const mainFeeds = { [large.input.name]: new ort.Tensor("float32", largeInput, large.input.shape) };

const idle = await typenameWhile(() => sleep(1000), 2);
const offLoop = await typenameWhile(() => mutate(large, "AUTO", largeBase64), 2);
const onLoop = await typenameWhile(() => onMainThread.run(mainFeeds), 1);
await onMainThread.release();

console.log(`\n## { __typename } while ${CONCURRENT} large-model inferences run (batch ${LARGE_BATCH})\n`);
console.log(
  table(
    ["load", "queries", "p50", "p99", "max", "event-loop delay p99", "largest RSS"],
    [
      ["none", ...idle],
      [`${CONCURRENT} × runInference (AUTO ran on ${auto})`, ...offLoop],
      [`${CONCURRENT} × session.run() on the main thread, for contrast`, ...onLoop],
    ],
  ),
);
const p99 = Number.parseFloat(offLoop[2] as string);
reportFigure({
  figure: `{ __typename } p99 while ${CONCURRENT} large inferences run (largest RSS ${offLoop[5]})`,
  measured: ms(p99),
  baseline: `idle: ${idle[2]}`,
  ratio: p99 / Number.parseFloat(idle[2] as string),
});
console.log(
  `\n{ __typename } p99 while ${CONCURRENT} inferences run: ${ms(p99)}, ${p99 < 20 ? "under" : "OVER"} 20 ms`,
);

await bench.close();
await rm(modelsDir, { recursive: true, force: true });
