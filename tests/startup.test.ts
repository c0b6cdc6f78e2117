import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanEnv } from "./helpers/clean-env.js";

const root = join(import.meta.dirname, "..");

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  // `npm start` itself, as the README tells a newcomer to run it.
  // Detached, so the test can signal its whole process group, as a terminal or a supervisor does:
  // npm does not pass a SIGTERM sent to itself alone on to the gateway.
  child = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
  /** The gateway stopped as it should on SIGTERM (npm itself may die of the signal: its code does not tell). */
  const stoppedCleanly = async () => {
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return /"msg":"stopped"/.test(output) && !/exiting anyway|shutdown failed/.test(output);
  };
  return { exited, stoppedCleanly, output: () => output };
}

describe("npm start", () => {
  it("stops on a malformed variable with a message naming it and no stack trace", async () => {
    const run = start({ PORT: "not-a-port" });

    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PORT="not-a-port": must be a number');
    expect(run.output()).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });

  it("creates and migrates the database, seeds the models, serves, and exits 0 on SIGTERM", async () => {
    dir = await mkdtemp(join(tmpdir(), "gateway-start-"));
    const run = start({
      DATA_DIR: join(dir, "data"),
      LOCAL_MODELS_DIR: join(dir, "models"),
      HOST: "127.0.0.1",
      PORT: "0",
    });

    const url = await listening(run);
    const health = await (await fetch(`${url}/health`)).json();
    const live = await fetch(`${url}/healthz`);
    const graphiql = await (await fetch(`${url}/graphql`, { headers: { accept: "text/html" } })).text();
    terminate();

    expect(health).toMatchObject({ status: "ok", database: { status: "ok", error: null } });
    expect(live.status).toBe(200);
    expect(graphiql).toContain("GraphiQL");
    expect(await readdir(join(dir, "data"))).toContain("gateway.db");
    expect((await readdir(join(dir, "models"))).sort()).toEqual(["mlp-classifier", "pair-classifier.onnx"]);
    expect(await run.stoppedCleanly()).toBe(true);
  });

  it("hides GraphiQL and introspection with GRAPHIQL=false", async () => {
    dir = await mkdtemp(join(tmpdir(), "gateway-start-"));
    const run = start({
      DATA_DIR: join(dir, "data"),
      LOCAL_MODELS_DIR: join(dir, "models"),
      HOST: "127.0.0.1",
      PORT: "0",
      GRAPHIQL: "false",
    });

    const url = await listening(run);
    const page = await (await fetch(`${url}/graphql`, { headers: { accept: "text/html" } })).text();
    const introspection = await (
      await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __schema { types { name } } }" }),
      })
    ).json();
    terminate();

    expect(page).not.toContain("GraphiQL");
    expect(JSON.stringify(introspection)).toMatch(/introspection/i);
    expect(await run.stoppedCleanly()).toBe(true);
  });
});

/** SIGTERM to `npm start` and everything it started, as `docker stop` or a terminal would send. */
function terminate(): void {
  if (child?.pid) process.kill(-child.pid, "SIGTERM");
}

/** The URL the gateway says it serves GraphQL at, once it listens. */
function listening(run: ReturnType<typeof start>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const found = /at (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(run.output());
      if (found?.[1]) {
        clearInterval(poll);
        resolve(found[1]);
      }
    }, 50);
    run.exited.then(() => {
      clearInterval(poll);
      reject(new Error(`exited early:\n${run.output()}`));
    });
  });
}
