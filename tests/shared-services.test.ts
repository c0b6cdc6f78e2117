import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisConnection } from "../src/coordination/redis-connection.js";
import { RedisLocks } from "../src/coordination/redis-locks.js";
import { createLogger } from "../src/logger.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry, seededBytes } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { pullModel, pullToEnd } from "./helpers/pulls.js";
import { needsPackage } from "./helpers/services/free-port.js";
import { REDIS_PACKAGE, type RedisServer, redisInstalled, startRedis } from "./helpers/services/redis-server.js";
import { type S3Server, startS3 } from "./helpers/services/s3-server.js";
import { startTestApp } from "./helpers/test-app.js";

const FOREIGN_OWNER = JSON.stringify({ host: "another-replica-3c1d", pid: 1, token: randomUUID() });
const DEAD_OWNER = JSON.stringify({
  host: (await import("node:os")).hostname(),
  pid: 2 ** 22 + 17,
  token: randomUUID(),
});

let redis: RedisServer;
let s3: S3Server;
let files: FileServer;
let registry: FakePullRegistry;
let connection: RedisConnection | undefined;
describe.skipIf(!redisInstalled())(
  needsPackage("a gateway on Redis and an S3 store", REDIS_PACKAGE, redisInstalled()),
  () => {
    beforeAll(async () => {
      [redis, s3, files] = await Promise.all([startRedis(), startS3(), FileServer.start()]);
      registry = new FakePullRegistry("remote", files.url).add(
        "org/m",
        { "model.onnx": seededBytes(50_000, 3) },
        files,
      );
    });
    afterAll(async () => {
      await files.close();
      await redis.stop();
      await s3.stop();
    });
    afterEach(async () => {
      await connection?.close();
      connection = undefined;
    });

    const open = () => RedisConnection.open(redis.url, createLogger("silent"));
    const start = () =>
      startTestApp({
        http: true,
        registries: new RegistrySet([registry]),
        env: { REDIS_URL: redis.url, ...s3.env(`shared-${randomUUID().slice(0, 8)}/`) },
      });

    it("takes over a Redis lock whose holder died on this host at once, and one silent on another host after its lease", async () => {
      connection = await open();
      const locks = new RedisLocks(connection, 1_500);
      await connection.commands.set("model-gateway:lock:dead", DEAD_OWNER, "PX", 60_000);
      await connection.commands.set("model-gateway:lock:foreign", FOREIGN_OWNER, "PX", 1_000);
      const take = async (key: string, withinMs: number) => {
        const release = await locks.acquire({ key, file: "/unused" }, AbortSignal.timeout(withinMs));
        await release();
      };

      // The dead holder's lease has a minute left: only recognising it as dead lets the lock go.
      await take("dead", 5_000);
      // The foreign holder cannot be checked: its lock stays until its lease runs out.
      await expect(take("foreign", 300)).rejects.toThrow();
      await take("foreign", 5_000);
      const held = await locks.acquire({ key: "held", file: "/unused" }, AbortSignal.timeout(1_000));
      const second = locks.acquire({ key: "held", file: "/unused" }, AbortSignal.timeout(2_500));

      // Renewed while held: the second waiter outlives the lease without getting it.
      await expect(second).rejects.toThrow();
      await held();
      expect(await connection.commands.get("model-gateway:lock:held")).toBeNull();
    });

    it("keeps answering reads while Redis is down, says so at /health, and refuses pulls with DEPENDENCY_UNAVAILABLE", async () => {
      const replica = await start();
      await redis.pause();
      try {
        const health = await (await fetch(`${replica.url}/health`)).json();
        const refused = await pullModel(replica, "remote:org/m");
        const reads = await replica.graphql(`{ pulls { edges { node { id } } } cache { totalBytes } }`);

        expect(health).toMatchObject({ status: "degraded", redis: { status: "unavailable" }, store: { status: "ok" } });
        expect(refused).toMatchObject({ __typename: "GatewayError", code: "DEPENDENCY_UNAVAILABLE" });
        expect(reads.errors).toBeUndefined();
      } finally {
        await redis.resume();
      }
      await waitFor(async () => (await (await fetch(`${replica.url}/health`)).json()).status === "ok");
      expect((await pullToEnd(replica, "remote:org/m")).status).toBe("SUCCEEDED");
    });

    it("refuses pulls with DEPENDENCY_UNAVAILABLE while the model store is down, and says so at /health", async () => {
      const replica = await start();
      await s3.stop();
      try {
        const health = await fetch(`${replica.url}/health`);
        const refused = await pullModel(replica, "remote:org/m");

        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({
          status: "degraded",
          redis: { status: "ok" },
          store: { kind: "s3", status: "unavailable", error: expect.stringContaining("does not answer") },
        });
        expect(refused).toMatchObject({ __typename: "GatewayError", code: "DEPENDENCY_UNAVAILABLE" });
      } finally {
        s3 = await startS3();
      }
    });
  },
);

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 200) throw new Error("condition never held");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
