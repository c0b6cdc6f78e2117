import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp } from "./helpers/test-app.js";

let holder: ChildProcess | undefined;
afterEach(() => {
  holder?.kill();
});

const PULL = `mutation { pullModel(ref: "local:mlp-classifier") { __typename ... on Pull { status } ... on GatewayError { code message } } }`;

/** Another process that takes the database's write lock and keeps it until told to let go. */
async function holdWriteLock(file: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const db = new (require("better-sqlite3"))(${JSON.stringify(file)});
    db.prepare("BEGIN IMMEDIATE").run();
    console.log("held");
    process.stdin.once("data", () => { db.prepare("COMMIT").run(); console.log("released"); process.exit(0); });`;
  holder = spawn(process.execPath, ["-e", script], { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] });
  const child = holder;
  await once(child.stdout as NodeJS.ReadableStream, "data");
  return {
    release: async () => {
      child.stdin?.write("go\n");
      await once(child, "exit");
    },
  };
}

describe("a database another process keeps locked", () => {
  it("leaves the server answering while a write waits for the lock, and the write lands once it is free", async () => {
    const gateway = await startTestApp({ http: true });
    const lock = await holdWriteLock(join(gateway.dataDir, "gateway.db"));

    const write = gateway.graphql<{ pullModel: { __typename: string } }>(PULL);
    // A synchronous busy wait would hold every one of these behind the lock (for ten seconds each time).
    for (let i = 0; i < 20; i++) expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    await lock.release();

    expect((await write).data?.pullModel).toEqual({ __typename: "Pull", status: "SUCCEEDED" });
  });
});

describe("a database that fails under the gateway", () => {
  it("reports a deleted database file as unavailable at /health, naming what happened", async () => {
    const gateway = await startTestApp({ http: true });

    await unlink(join(gateway.dataDir, "gateway.db"));
    const health = await fetch(`${gateway.url}/health`);

    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: "unavailable",
      database: { status: "unavailable", error: expect.stringMatching(/deleted or moved; restart the gateway/) },
    });
  });

  it("answers DATABASE_UNAVAILABLE naming a read-only database, never a bare internal error", async () => {
    const gateway = await startTestApp();
    await gateway.app.services.db.$queryRawUnsafe("PRAGMA query_only = ON");

    const { data } = await gateway.graphql<{ pullModel: { code: string; message: string } }>(PULL);

    expect(data?.pullModel).toMatchObject({ __typename: "GatewayError", code: "DATABASE_UNAVAILABLE" });
    expect(data?.pullModel.message).toMatch(/it is read-only \(check that DATA_DIR and gateway\.db are writable/);
  });

  it("stops start-up on a file that is not a database, naming the file and what to do, without a stack", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gateway-garbage-"));
    await writeFile(
      join(dir, "gateway.db"),
      Buffer.from("this is not a database at all, but it is long enough".repeat(100)),
    );
    try {
      const run = promisify(execFile)(join(process.cwd(), "node_modules/.bin/tsx"), ["src/main.ts"], {
        env: { PATH: process.env.PATH, DATA_DIR: dir, LOCAL_MODELS_DIR: join(dir, "models"), PORT: "0" },
      });
      const failure = (await run.then(
        () => null,
        (error: unknown) => error,
      )) as { code: number; stderr: string } | null;

      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(`The database file ${join(dir, "gateway.db")} cannot be used`);
      expect(failure?.stderr).toMatch(/not a SQLite database \(move it aside to start a new one\)/);
      expect(failure?.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
