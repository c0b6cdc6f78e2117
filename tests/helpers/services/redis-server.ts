import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.js";

/** Debian's package: `apt-get install redis-server` (.ci/run installs it when it is missing). */
export const REDIS_PACKAGE = "redis-server";

export function redisInstalled(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export interface RedisServer {
  url: string;
  /** Stops the server, keeping its port, so a test can see a replica without Redis. */
  pause(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** A throwaway Redis on a free port in a temporary folder, keeping nothing on disk. */
export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-redis-"));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const server = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: "ignore" },
    );
    child = server;
    for (let waited = 0; !(await answers(port)); waited += 50) {
      if (server.exitCode !== null || waited > 10_000) throw new Error(`redis-server did not start on ${port}`);
      await sleep(50);
    }
  };
  const kill = async () => {
    const server = child;
    child = null;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: kill,
    resume: start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether something answers PING on the port (a raw RESP command; no client needed). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}
