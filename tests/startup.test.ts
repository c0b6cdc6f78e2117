import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");
const main = join(import.meta.dirname, "../src/main.ts");

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  child = spawn(tsx, [main], { env: { ...process.env, NODE_ENV: "test", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
  return { exited, output: () => output };
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

    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const found = /at (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(run.output());
        if (found?.[1]) {
          clearInterval(poll);
          resolve(found[1]);
        }
      }, 50);
      run.exited.then(() => reject(new Error(`exited early:\n${run.output()}`)));
    });
    const health = await (await fetch(`${url}/health`)).json();
    child?.kill("SIGTERM");

    expect(health).toMatchObject({ status: "ok", database: { status: "ok", error: null } });
    expect(await readdir(join(dir, "data"))).toContain("gateway.db");
    expect((await readdir(join(dir, "models"))).sort()).toEqual(["mlp-classifier", "pair-classifier.onnx"]);
    expect(await run.exited).toBe(0);
  });
});
