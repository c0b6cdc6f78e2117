import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startPostgres } from "../../tests/helpers/services/postgres-server.js";
import { startRedis } from "../../tests/helpers/services/redis-server.js";
import { startS3 } from "../../tests/helpers/services/s3-server.js";
import { startBalancer } from "./balancer.js";

/**
 * `npm run deploy:local [-- --replicas N] [-- --check]`: the topology of deploy/compose.yaml from
 * local processes, for a machine without a container engine: one PostgreSQL cluster (Debian's
 * postgresql), one Redis (redis-server), one S3-compatible server (s3rver, from npm) with the
 * bucket `models`, N gateway replicas (`src/main.ts`, each with its own DATA_DIR and local blob
 * copy), and a round-robin balancer on PORT (4000). The servers are the throwaway ones the tests
 * start (temporary folders, no durability): a demonstration, not a production setup. `--check`
 * runs a smoke check through the balancer and stops everything; otherwise Ctrl-C stops it.
 */
const args = process.argv.slice(2);
const replicas = Number(args[args.indexOf("--replicas") + 1] ?? 0) || 2;
const check = args.includes("--check");
const port = Number(process.env.PORT ?? 4000);
const root = join(import.meta.dirname, "..", "..");

const [postgres, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3()]);
const database = await postgres.createDatabase();
const children: ChildProcess[] = [];
const dirs: string[] = [];
const ports = Array.from({ length: replicas }, (_, i) => port + 1 + i);
console.log(`PostgreSQL ${database}\nRedis ${redis.url}\nS3 ${s3.endpoint} (bucket models, prefix gateway/)`);
for (const replicaPort of ports) {
  const dir = await mkdtemp(join(tmpdir(), "gateway-replica-"));
  dirs.push(dir);
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      ...s3.env("gateway/"),
      DATABASE_URL: database,
      REDIS_URL: redis.url,
      HOST: "127.0.0.1",
      PORT: String(replicaPort),
      DATA_DIR: join(dir, "data"),
      LOCAL_MODELS_DIR: join(dir, "models"),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(child);
}
for (const replicaPort of ports) await healthy(`http://127.0.0.1:${replicaPort}`);
const balancer = await startBalancer(
  port,
  ports.map((replicaPort) => ({ host: "127.0.0.1", port: replicaPort })),
);
console.log(`${replicas} replicas on ${ports.join(", ")}; the balancer at http://127.0.0.1:${port}/graphql`);

const stop = async () => {
  balancer.close();
  await Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM"))));
  await Promise.all([
    postgres.stop(),
    redis.stop(),
    s3.stop(),
    ...dirs.map((dir) => rm(dir, { recursive: true, force: true })),
  ]);
};
if (check) {
  try {
    await smokeCheck(port, ports);
  } finally {
    await stop();
  }
} else {
  process.once("SIGINT", () => void stop().then(() => process.exit(0)));
  process.once("SIGTERM", () => void stop().then(() => process.exit(0)));
}

async function healthy(url: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 200) {
    const answer = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (answer) return;
    await sleep(200);
  }
  throw new Error(`${url} never became healthy`);
}

/** Each replica's /health, a pull through the balancer, and that every replica lists it. */
async function smokeCheck(balancerPort: number, replicaPorts: readonly number[]): Promise<void> {
  const post = async (target: number, query: string) => {
    const response = await fetch(`http://127.0.0.1:${target}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };
  for (const replicaPort of replicaPorts) {
    const health = (await (await fetch(`http://127.0.0.1:${replicaPort}/health`)).json()) as Record<string, unknown>;
    const { status, database, redis: redisHealth, store } = health;
    console.log(`replica :${replicaPort} /health`, JSON.stringify({ status, database, redis: redisHealth, store }));
  }
  const pulled = await post(
    balancerPort,
    `mutation { pullModel(ref: "local:mlp-classifier") { ... on Pull { id status } } }`,
  );
  const id = (pulled.data?.pullModel as { id?: string } | undefined)?.id;
  if (!id) throw new Error(`the pull was refused: ${JSON.stringify(pulled)}`);
  console.log("pullModel through the balancer:", JSON.stringify(pulled.data));
  for (const replicaPort of replicaPorts) {
    const listed = await post(replicaPort, `{ pull(id: "${id}") { id status } }`);
    console.log(`replica :${replicaPort} pull(id):`, JSON.stringify(listed.data));
    if (!listed.data?.pull) throw new Error(`replica :${replicaPort} does not see pull ${id}`);
  }
  console.log("smoke check passed");
}
