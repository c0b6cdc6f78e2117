import os from "node:os";
import ort from "onnxruntime-node";
import { timed } from "./bench-app.js";
import { DETECTOR, detectorInput, detectorPath } from "./oip-models.js";
import { reportFigure } from "./report.js";
import { spawnServer } from "./spawn-server.js";

/**
 * `npm run bench:oip`: the PP-OCR text detector at 320×320 (a 1.2 MB input, a 400 KB output)
 * through the Open Inference Protocol with binary tensors and with JSON, and through runInference
 * with base64, each against a direct `session.run()` with the threads the gateway's sessions get;
 * then runInference sent to a second gateway process (REMOTE) against the same call run locally.
 * Both gateways run in processes of their own, so this client never shares their event loop; the
 * variants take turns, one call each per round, so the machine's noise falls on all alike.
 */
const ROUNDS = Number(process.env.BENCH_OIP_ROUNDS ?? 40);
const WARM_UP = 3;

const echo = await spawnServer("tensor-echo.ts");
const backend = await spawnServer("detector-gateway.ts");
const gateway = await spawnServer("detector-gateway.ts", {
  INFERENCE_BACKENDS: JSON.stringify([{ name: "b", url: backend.url, models: [DETECTOR.ref], timeoutMs: 60_000 }]),
});
// The threads the gateway's sessions compute with, which the direct session gets too.
const threads = Number(/THREADS=(\d+)/.exec(gateway.banner)?.[1] ?? 1);
const input = detectorInput();
const inputBytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
const base64 = inputBytes.toString("base64");
const infer = `${gateway.url}/v2/models/${encodeURIComponent(DETECTOR.ref)}/infer`;

const session = await ort.InferenceSession.create(detectorPath(), {
  executionProviders: ["cpu"],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
});
const feeds = { [DETECTOR.input]: new ort.Tensor("float32", input, DETECTOR.shape) };

/** OIP with binary tensors both ways: the JSON header, then the raw bytes. */
async function oipBinary(): Promise<number> {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: DETECTOR.input,
          shape: DETECTOR.shape,
          datatype: "FP32",
          parameters: { binary_data_size: inputBytes.byteLength },
        },
      ],
      parameters: { binary_data_output: true, execution_provider: "CPU" },
    }),
  );
  const response = await fetch(infer, {
    method: "POST",
    headers: {
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(header.byteLength),
    },
    body: Buffer.concat([header, inputBytes]),
  });
  const body = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`OIP binary: ${Buffer.from(body).toString()}`);
  return body.byteLength - Number(response.headers.get("inference-header-content-length"));
}

async function oipJson(): Promise<number> {
  const response = await fetch(infer, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      inputs: [{ name: DETECTOR.input, shape: DETECTOR.shape, datatype: "FP32", data: Array.from(input) }],
      parameters: { execution_provider: "CPU" },
    }),
  });
  const body = (await response.json()) as { outputs?: Array<{ data: number[] }>; error?: string };
  if (!body.outputs) throw new Error(`OIP JSON: ${body.error}`);
  return body.outputs[0]?.data.length ?? 0;
}

const RUN = `mutation($input: RunInferenceInput!) { runInference(input: $input) {
  __typename ... on GatewayError { code message } ... on InferenceResult { provider backend outputs { base64 } } } }`;

async function query<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function graphqlRun(executionProvider: "CPU" | "REMOTE") {
  return async () => {
    const { runInference: result } = await query<{
      runInference: { message?: string; provider?: string; outputs?: Array<{ base64: string }> };
    }>(RUN, {
      input: {
        model: DETECTOR.ref,
        inputs: [{ name: DETECTOR.input, elementType: "FLOAT32", shape: DETECTOR.shape, base64 }],
        executionProvider,
        outputEncoding: "BASE64",
      },
    });
    if (result.provider !== executionProvider) throw new Error(`runInference ${executionProvider}: ${result.message}`);
    return result.outputs?.[0]?.base64.length ?? 0;
  };
}

/** The same bytes to a bare node:http server and back: HTTP's own share of every path below. */
const echoBody = Buffer.concat([Buffer.alloc(200), inputBytes]);
async function bareHttp(): Promise<number> {
  const response = await fetch(echo.url, { method: "POST", body: echoBody });
  return (await response.arrayBuffer()).byteLength;
}

const variants: Record<string, () => Promise<unknown>> = {
  "direct session.run()": () => session.run(feeds),
  "bare HTTP round trip of the same bytes (no model)": bareHttp,
  "OIP binary": oipBinary,
  "OIP JSON": oipJson,
  "runInference base64": graphqlRun("CPU"),
  "runInference REMOTE (second gateway)": graphqlRun("REMOTE"),
};
const times = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (const call of Object.values(variants)) for (let i = 0; i < WARM_UP; i++) await call();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, call] of Object.entries(variants)) times.get(name)?.push(await timed(call));
}

const p50 = (name: string) => {
  const sorted = [...(times.get(name) ?? [])].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
const direct = p50("direct session.run()");
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `# OIP benchmark: PP-OCR detector ${DETECTOR.shape.join("×")}, ${ROUNDS} rounds, onnxruntime-node ${ort.env.versions.node}`,
);
console.log(
  `machine: ${os.availableParallelism()} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(`sessions: CPU, ${threads} intra-op thread(s), the direct one as the gateway's\n`);
console.log("| path | p50 | p90 | over direct session.run() |");
console.log("| --- | --- | --- | --- |");
for (const name of Object.keys(variants)) {
  const sorted = [...(times.get(name) ?? [])].sort((a, b) => a - b);
  const p90 = sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN;
  console.log(`| ${name} | ${ms(p50(name))} | ${ms(p90)} | ${(p50(name) / direct).toFixed(3)}× |`);
}
for (const name of ["OIP binary", "OIP JSON", "runInference base64"]) {
  reportFigure({
    figure: `${name}, PP-OCR detector 320×320 on CPU (p50)`,
    measured: `${name} ${ms(p50(name))}`,
    baseline: `direct session.run() ${ms(direct)}`,
    ratio: p50(name) / direct,
  });
}
reportFigure({
  figure: "runInference on a second gateway (REMOTE, binary tensors), PP-OCR detector (p50)",
  measured: `REMOTE ${ms(p50("runInference REMOTE (second gateway)"))}`,
  baseline: `local CPU ${ms(p50("runInference base64"))}`,
  ratio: p50("runInference REMOTE (second gateway)") / p50("runInference base64"),
});

await session.release();
for (const server of [gateway, backend, echo]) server.process.kill("SIGTERM");
