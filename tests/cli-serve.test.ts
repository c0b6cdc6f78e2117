import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.js";
import { copyTemplateDatabase } from "./helpers/test-app.js";

let dataDir: string | undefined;
afterEach(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("model-gateway serve", () => {
  it("starts a gateway the other verbs reach, and stops on SIGTERM with exit 0", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cli-serve-"));
    await copyTemplateDatabase(dataDir);
    const serve = startCli(["serve", "--port", "0", "--host", "127.0.0.1"], {
      DATA_DIR: dataDir,
      LOCAL_MODELS_DIR: join(dataDir, "models"),
      REGISTRIES: "local",
      EXECUTION_PROVIDERS: "cpu",
      LOG_LEVEL: "info",
    });
    await serve.waitFor(/GraphiQL at http:\/\/127\.0\.0\.1:\d+\/graphql/);
    const url = /GraphiQL at (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(serve.stdout())?.[1] as string;

    const search = await runCli(["search", "--json", "--url", url]);
    serve.child.kill("SIGTERM");
    const stopped = await serve.result;

    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).models.map((m: { ref: string }) => m.ref)).toContain("local:mlp-classifier");
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/"msg":"stopped"/);
  });
});
