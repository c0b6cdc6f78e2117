import autocannon from "autocannon";
import { GatewayClient } from "../src/client/gateway-client.js";
import { graphql } from "../src/client/graphql.js";
import type { PullProgress } from "../src/domain/pull-status.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry, seededBytes } from "../tests/helpers/fake-pull-registry.js";
import { FileServer } from "../tests/helpers/file-server.js";
import { startReplica } from "../tests/helpers/replicas.js";
import { startPostgres } from "../tests/helpers/services/postgres-server.js";
import { startRedis } from "../tests/helpers/services/redis-server.js";
import { startS3 } from "../tests/helpers/services/s3-server.js";
import { median, startBenchApp } from "./bench-app.js";
import { reportFigure } from "./report.js";
import { spawnServer } from "./spawn-server.js";

/**
 * `npm run bench:replicas`: what running as replicas costs. (1) A cached `model(ref)` with its
 * pulls (one SQL read per request) on PostgreSQL against the same on SQLite, each gateway in its
 * own process, loaded by autocannon. (2) The time from a progress event published on replica A
 * (in this process, so its clock is the client's) to its delivery over server-sent events to a
 * client of replica B (another process), through Redis: median and p99 over a ~20 s pull.
 * PostgreSQL, Redis and the S3 store are the tests' throwaway servers on this machine.
 */
const SECONDS = 5;
const ROUNDS = 3;
const REF = "hf:acme/vision";
const QUERY = `{ model(ref: "${REF}") { ref name pulls { id status } } }`;

async function requestsPerSecond(url: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: QUERY }),
    connections: 16,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const postgres = await startPostgres();
try {
  // The Hub's info is served from the database within its TTL, as in bench:throughput.
  const hub = { BENCH_REGISTRY: "hf", BENCH_REF: REF };
  const sqlite = await spawnServer("registry-gateway.ts", hub);
  const pg = await spawnServer("registry-gateway.ts", { ...hub, DATABASE_URL: await postgres.createDatabase() });
  const onSqlite: number[] = [];
  const onPostgres: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      onSqlite.push(await requestsPerSecond(sqlite.url));
      onPostgres.push(await requestsPerSecond(pg.url));
    }
  } finally {
    sqlite.process.kill();
    pg.process.kill();
  }
  const [p, s] = [median(onPostgres), median(onSqlite)];
  console.log(`cached model(ref) with pulls, queries/s: PostgreSQL ${p.toFixed(0)}, SQLite ${s.toFixed(0)}`);
  reportFigure({
    figure: "cached model(ref) with its pulls on PostgreSQL",
    measured: `${p.toFixed(0)} req/s`,
    baseline: `the same on SQLite: ${s.toFixed(0)} req/s`,
    ratio: p / s,
  });

  const [redis, s3, files] = await Promise.all([startRedis(), startS3(), FileServer.start()]);
  const bytes = 5_000_000;
  const path = "/org/slow/resolve/model.onnx";
  files.serve(path, seededBytes(bytes, 5));
  files.fault(path, { slow: { chunkBytes: 16_384, pauseMs: 60 } }); // about 20 s
  const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url, ...s3.env("bench/") };
  const published = new Map<string, number[]>();
  const key = (p: Pick<PullProgress, "status" | "bytesDone">) => `${p.status}:${p.bytesDone}`;
  const registry = new FakePullRegistry("fake", files.url).add("org/slow", { "model.onnx": seededBytes(bytes, 5) });
  const a = await startBenchApp(env, {
    registries: new RegistrySet([registry]),
    onProgress: (progress) =>
      published.set(key(progress), [...(published.get(key(progress)) ?? []), performance.now()]),
  });
  const b = await startReplica({ ...env, FILE_SERVER_URL: files.url, MODELS: `org/slow:${bytes}:5` });
  try {
    const { pullModel } = await a.query<{ pullModel: { id: string } }>(
      'mutation { pullModel(ref: "fake:org/slow") { ... on Pull { id } } }',
    );
    const client = new GatewayClient({ url: `${b.url}/graphql` });
    const latencies: number[] = [];
    const progress = graphql(`subscription Follow($id: ID!) { pullProgress(id: $id) { status bytesDone } }`);
    for await (const { pullProgress } of client.subscribe(progress, { id: pullModel.id })) {
      const now = performance.now();
      const sent = (published.get(key(pullProgress)) ?? []).filter((at) => at <= now).at(-1);
      if (sent !== undefined) latencies.push(now - sent);
    }
    latencies.sort((x, y) => x - y);
    const p50 = median(latencies);
    const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] as number;
    console.log(
      `progress event A -> client of B: ${latencies.length} events, median ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
    );
    reportFigure({
      figure: `progress event on replica A delivered to a client of B (median; p99 ${p99.toFixed(1)} ms, ${latencies.length} events)`,
      measured: `${p50.toFixed(2)} ms`,
      baseline: "database polling, which it replaces: 1000 ms period",
      ratio: p50 / 1000,
    });
  } finally {
    await b.stop();
    await a.close();
    await Promise.all([files.close(), redis.stop(), s3.stop()]);
  }
} finally {
  await postgres.stop();
}
