import { type ChildProcess, execFile } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { arch, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { openApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import type { ModelFile } from "../src/domain/model.js";
import { formatModelRef, type ModelRef } from "../src/domain/model-ref.js";
import { createLogger } from "../src/logger.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import type { ModelManager } from "../src/registries/types.js";
import { reportFigure } from "./report.js";
import { spawnServer } from "./spawn-server.js";

/**
 * `npm run bench:pull`: pull throughput of one large generated file (BENCH_SIZE_MIB, default 1024)
 * through the pull engine, sha256 check on, against `curl -o` of the same URL from the same local
 * server, BENCH_RUNS times (default 7) in alternating order, after a `sync` each. Prints each run, the medians and
 * their ratio. Everything it creates lives in one temporary folder, removed at the end.
 */
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const MiB = 1024 * 1024;

/** A registry of one model with one file, served by the benchmark's file server. */
function benchRegistry(url: string, file: ModelFile): ModelManager {
  return {
    name: "bench",
    kind: "bench",
    location: url,
    searchModels: async () => ({ items: [], nextCursor: null }),
    getModelInfos: async (refs) => refs.map((ref) => new Error(`no info for ${formatModelRef(ref)}`)),
    listModelFiles: async () => ({ revision: "0".repeat(40), files: [file] }),
    resolveDownload: async () => ({
      url: `${url}/model.onnx`,
      headers: {},
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
    }),
  };
}

async function generate(path: string, bytes: number): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, "w");
  const chunk = Buffer.alloc(16 * MiB);
  try {
    for (let written = 0; written < bytes; written += chunk.length) {
      const piece = chunk.subarray(0, Math.min(chunk.length, bytes - written));
      randomFillSync(piece);
      hash.update(piece);
      await handle.write(piece);
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-pull-"));
  let server: ChildProcess | undefined;
  process.once("SIGINT", () => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
  try {
    const source = join(dir, "source.bin");
    const bytes = sizeMiB * MiB;
    console.log(`generating ${sizeMiB} MiB of random bytes...`);
    const sha256 = await generate(source, bytes);
    process.env.BENCH_FILE = source;
    const started = await spawnServer("static-file.ts");
    server = started.process;
    const { url } = started;

    const config = loadConfig({
      NODE_ENV: "production",
      DATA_DIR: join(dir, "data"),
      LOCAL_MODELS_DIR: join(dir, "models"),
      SEED_SAMPLE_MODELS: "false",
      LOG_LEVEL: "silent",
    });
    const registry = benchRegistry(url, { path: "model.onnx", sizeBytes: bytes, sha256 });
    const app = await openApp(config, { logger: createLogger("silent"), registries: new RegistrySet([registry]) });
    const ref: ModelRef = { registry: "bench", id: "big", revision: null };

    const idleRss = process.memoryUsage.rss();
    let largestRss = 0;
    const engine = async () => {
      // The process's resident memory while the engine pulls (the gateway runs in this process).
      const sampler = setInterval(() => {
        largestRss = Math.max(largestRss, process.memoryUsage.rss());
      }, 20);
      const pull = await app.services.pulls.start({ ref, files: null, force: true }, new AbortController().signal);
      await app.services.pulls.live(pull.id)?.settled.finally(() => clearInterval(sampler));
      const done = await app.services.pulls.find(pull.id);
      if (done?.status !== "SUCCEEDED") throw new Error(`the pull ended ${done?.status}: ${done?.errorMessage}`);
    };
    const curl = () => promisify(execFile)("curl", ["-sS", "-o", join(dir, "curl.bin"), `${url}/model.onnx`]);
    const timed = async (run: () => Promise<unknown>) => {
      // Each transfer starts with the disk's write-back done, so neither inherits the other's.
      await promisify(execFile)("sync");
      const start = performance.now();
      await run();
      return bytes / MiB / ((performance.now() - start) / 1000);
    };

    const results = { engine: [] as number[], curl: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? (["engine", "curl"] as const) : (["curl", "engine"] as const);
      for (const name of order) results[name].push(await timed(name === "engine" ? engine : curl));
      console.log(
        `run ${i + 1} (${order.join(" first, ")} second): engine ${results.engine.at(-1)?.toFixed(0)} MiB/s, curl ${results.curl.at(-1)?.toFixed(0)} MiB/s`,
      );
    }
    await app.close();

    const [engineMedian, curlMedian] = [median(results.engine), median(results.curl)];
    console.log(`\nmachine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ${arch()}, Node ${process.version}`);
    console.log(
      `file: ${sizeMiB} MiB, ${runs} runs each, alternating order, sync before each, sha256 verified by the engine`,
    );
    console.log(`median engine: ${engineMedian.toFixed(0)} MiB/s`);
    console.log(`median curl:   ${curlMedian.toFixed(0)} MiB/s`);
    console.log(
      `largest RSS while the engine pulled: ${(largestRss / MiB).toFixed(0)} MiB (${(idleRss / MiB).toFixed(0)} MiB before the first pull)`,
    );
    console.log(`ratio engine/curl: ${((engineMedian / curlMedian) * 100).toFixed(0)}% (target: at least 90%)`);
    reportFigure({
      figure: `pull throughput, ${sizeMiB} MiB with sha256 (largest RSS ${(largestRss / MiB).toFixed(0)} MiB)`,
      measured: `${engineMedian.toFixed(0)} MiB/s`,
      baseline: `curl: ${curlMedian.toFixed(0)} MiB/s`,
      ratio: engineMedian / curlMedian,
    });
  } finally {
    server?.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
