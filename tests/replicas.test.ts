import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayClient } from "../src/client/gateway-client.js";
import { graphql, type ResultOf } from "../src/client/graphql.js";
import { seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { type Replica, startReplica } from "./helpers/replicas.js";
import { Bucket } from "./helpers/services/bucket.js";
import { needsPackage } from "./helpers/services/free-port.js";
import {
  POSTGRES_PACKAGE,
  type PostgresServer,
  postgresInstalled,
  startPostgres,
} from "./helpers/services/postgres-server.js";
import { REDIS_PACKAGE, type RedisServer, redisInstalled, startRedis } from "./helpers/services/redis-server.js";
import { type S3Server, startS3 } from "./helpers/services/s3-server.js";

const OPS_KEY = "k-ops-5c2e8a1f9b3d7e60";
const LIMITED_KEY = "k-limited-8d1f3b7a2c9e4f51";
const RATE_LIMIT = 5;
const ONE = { id: "org/one", bytes: 1_200_000, seed: 11 };
const BIG = { id: "org/big", bytes: 2_500_000, seed: 12 };
const PREFIX = "replicas/";
const CHECKPOINT = 256 * 1024;

const PULL = graphql(`
  mutation Pull($ref: String!) {
    pullModel(ref: $ref) {
      __typename
      ... on Pull { id status files { path status sha256 } }
      ... on GatewayError { code message }
    }
  }
`);
const PULL_STATE = graphql(`
  query PullState($id: ID!) { pull(id: $id) { id status bytesDone files { path status sha256 } } }
`);
const PULLS = graphql(`query Pulls { pulls(first: 50) { edges { node { id ref status } } } }`);
const PROGRESS = graphql(`
  subscription Progress($id: ID!) {
    pullProgress(id: $id) { status bytesDone bytesTotal bytesPerSecond currentFile }
  }
`);
type Progress = ResultOf<typeof PROGRESS>["pullProgress"];

const ready = postgresInstalled() && redisInstalled();
const title = needsPackage(
  needsPackage(
    "two gateway replicas on one PostgreSQL, one Redis and one S3 store",
    POSTGRES_PACKAGE,
    postgresInstalled(),
  ),
  REDIS_PACKAGE,
  redisInstalled(),
);

let postgres: PostgresServer;
let redis: RedisServer;
let s3: S3Server;
let files: FileServer;
let bucket: Bucket;
let a: Replica;
let b: Replica;
describe.skipIf(!ready)(title, () => {
  beforeAll(async () => {
    [postgres, redis, s3, files] = await Promise.all([startPostgres(), startRedis(), startS3(), FileServer.start()]);
    bucket = new Bucket(s3.endpoint);
    for (const model of [ONE, BIG]) {
      const path = `/${model.id}/resolve/model.onnx`;
      files.serve(path, seededBytes(model.bytes, model.seed));
      // Slow enough to watch (and to kill a replica mid-pull): 16 KiB every 20 ms.
      files.fault(path, { slow: { chunkBytes: 16_384, pauseMs: 20 } });
    }
    const env = {
      DATABASE_URL: await postgres.createDatabase(),
      REDIS_URL: redis.url,
      ...s3.env(PREFIX),
      FILE_SERVER_URL: files.url,
      MODELS: [ONE, BIG].map((m) => `${m.id}:${m.bytes}:${m.seed}`).join(","),
      GATEWAY_API_KEYS: `${OPS_KEY}=admin,${LIMITED_KEY}=read+pull`,
      MUTATION_RATE_LIMIT: String(RATE_LIMIT),
      // A download in progress is copied to the bucket every 256 KiB (64 MiB by default).
      CACHE_CHECKPOINT_BYTES: String(CHECKPOINT),
    };
    // Both at once: they migrate the same empty database under the runner's lock.
    [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    bucket?.close();
    await Promise.all([files?.close(), postgres?.stop(), redis?.stop(), s3?.stop()]);
  });

  const ops = (replica: Replica) => replica.client(OPS_KEY);
  const gets = (id: string) => files.gets(`/${id}/resolve/model.onnx`).length;
  async function startPull(client: GatewayClient, ref: string) {
    const { pullModel } = await client.request(PULL, { ref });
    if (pullModel.__typename !== "Pull") throw new Error(`pull refused: ${JSON.stringify(pullModel)}`);
    return pullModel;
  }
  async function follow(client: GatewayClient, id: string): Promise<Progress[]> {
    const events: Progress[] = [];
    for await (const { pullProgress } of client.subscribe(PROGRESS, { id })) events.push(pullProgress);
    return events;
  }

  it("lets a client of B follow a pull A runs to its end, as live as A's own clients, and both list it", async () => {
    const pull = await startPull(ops(a), `fake:${ONE.id}`);

    const [onB, onA] = await Promise.all([follow(ops(b), pull.id), follow(ops(a), pull.id)]);

    expect(onB.at(-1)).toMatchObject({ status: "SUCCEEDED", bytesDone: ONE.bytes, bytesTotal: ONE.bytes });
    // Speed and the current file exist only in the process running the pull: B's client saw A's own events.
    const live = (events: Progress[]) =>
      events.filter((e) => e.status === "RUNNING" && e.bytesPerSecond !== null && e.currentFile === "model.onnx");
    expect(live(onB).length).toBeGreaterThan(2);
    expect(live(onB).length).toBeGreaterThanOrEqual(live(onA).length - 2);
    for (const replica of [a, b]) {
      const { pulls } = await ops(replica).request(PULLS, {});
      expect(pulls.edges.map((edge) => edge.node)).toContainEqual({
        id: pull.id,
        ref: `fake:${ONE.id}`,
        status: "SUCCEEDED",
      });
    }
  });

  it("answers a second pull of the same model on B from the shared store, transferring nothing", async () => {
    const before = gets(ONE.id);

    const again = await startPull(ops(b), `fake:${ONE.id}`);

    expect(again).toMatchObject({ status: "SUCCEEDED", files: [{ path: "model.onnx", status: "CACHED" }] });
    expect(gets(ONE.id)).toBe(before);
    expect(await bucket.keys(`${PREFIX}blobs/`)).toEqual([sha256(seededBytes(ONE.bytes, ONE.seed))]);
  });

  it("counts one mutation budget per key across both replicas, refusing the one past MUTATION_RATE_LIMIT", async () => {
    const answers: string[] = [];
    for (let call = 0; call <= RATE_LIMIT; call++) {
      const replica = call % 2 === 0 ? a : b;
      const { pullModel } = await replica.client(LIMITED_KEY).request(PULL, { ref: `fake:${ONE.id}` });
      answers.push(pullModel.__typename === "Pull" ? pullModel.status : pullModel.code);
    }

    expect(answers).toEqual([...Array(RATE_LIMIT).fill("SUCCEEDED"), "RATE_LIMITED"]);
  });

  it("completes on B, verified, a pull whose replica A was killed mid-transfer, from the bytes A left in the store", async () => {
    const first = await startPull(ops(a), `fake:${BIG.id}`);
    // A's checkpoints in the bucket cover at least two chunks before it dies.
    const covered = async () =>
      (await bucket.keys(`${PREFIX}partials/`)).reduce((end, key) => Math.max(end, Number(key.split("-").at(-1))), 0);
    while ((await covered()) < 2 * CHECKPOINT) await sleep(50);
    await a.kill();
    const left = await covered();

    const second = await startPull(ops(b), `fake:${BIG.id}`);
    const events = await follow(ops(b), second.id);
    const { pull } = await ops(b).request(PULL_STATE, { id: second.id });
    const { pull: killed } = await ops(b).request(PULL_STATE, { id: first.id });

    const expected = sha256(seededBytes(BIG.bytes, BIG.seed));
    expect(events.at(-1)?.status).toBe("SUCCEEDED");
    expect(pull?.files).toEqual([{ path: "model.onnx", status: "VERIFIED", sha256: expected }]);
    expect(killed?.status).toBe("INTERRUPTED");
    // B asked the registry only for the bytes after those A had checkpointed.
    const resumedFrom = Number(
      /^bytes=(\d+)-$/.exec(files.gets(`/${BIG.id}/resolve/model.onnx`).at(-1)?.range ?? "")?.[1],
    );
    expect(resumedFrom).toBeGreaterThanOrEqual(left);
    expect(await bucket.keys(`${PREFIX}blobs/`)).toContain(expected);
    expect(await bucket.keys(`${PREFIX}partials/`)).toEqual([]);
  });
});
