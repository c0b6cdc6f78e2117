import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ndjson, runCli, startCli } from "./helpers/cli.js";
import { sha256 } from "./helpers/fake-pull-registry.js";
import { type HubGateway, startHubGateway } from "./helpers/hub-gateway.js";
import { getPull, waitForPull } from "./helpers/pulls.js";

const WEIGHTS = Buffer.alloc(1_500_000, 7);
const GRAPH = Buffer.from("graph bytes ".repeat(2_000));

let setup: HubGateway;
let env: Record<string, string>;

beforeAll(async () => {
  setup = await startHubGateway(
    {
      repos: [
        {
          id: "acme/tiny-classifier",
          pipelineTag: "image-classification",
          downloads: 1234,
          files: [{ path: "onnx/model.onnx", content: GRAPH }],
        },
        { id: "acme/slow-weights", files: [{ path: "model.onnx", content: WEIGHTS }] },
      ],
      // About 1 MB/s: the 1.5 MB file takes more than a second, several progress events' worth.
      cdnThrottle: { chunkBytes: 32_768, pauseMs: 30 },
    },
    { REGISTRIES: "local,hf" },
    { http: true },
  );
  env = { GATEWAY_URL: `${setup.gateway.url}/graphql` };
});
afterAll(() => setup?.close());

interface Progress {
  pullId: string;
  status: string;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

describe("model-gateway against a gateway with the local folder and a Hub", () => {
  it("search prints one table with models of both registries", async () => {
    const { code, stdout, stderr } = await runCli(["search"], env);

    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^REF\s+FORMAT\s+TASK\s+SIZE\s+DOWNLOADS\s+UPDATED\s+ACCESS$/);
    expect(lines.some((line) => /^local:mlp-classifier\s+onnx\s+tabular-classification\s/.test(line))).toBe(true);
    expect(lines.some((line) => /^hf:acme\/tiny-classifier\s+onnx\s+image-classification\s.*\s1234\s/.test(line))).toBe(
      true,
    );
  });

  it("search lists a failed registry under the results of the others", async () => {
    const unavailable = Array.from({ length: 10 }, () => ({ status: 503, body: "down" }));
    setup.hub.failNext((request) => request.query.get("search") === "pair", ...unavailable);

    const { code, stdout } = await runCli(["search", "pair"], env);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^REF .*\nlocal:pair-classifier .*\nfailed: hf REGISTRY_UNAVAILABLE: .+\n$/);
  });

  it("search --json prints one JSON document with both registries' refs, and failed registries under them", async () => {
    const unavailable = Array.from({ length: 10 }, () => ({ status: 503, body: "down" }));
    setup.hub.failNext((request) => request.query.get("search") === "mlp", ...unavailable);
    const { code, stdout } = await runCli(["search", "classifier", "--json", "--sort", "downloads"], env);
    const failed = await runCli(["search", "mlp", "--json", "--registry", "hf", "--registry", "local"], env);

    expect(code).toBe(0);
    const document = JSON.parse(stdout) as { models: Array<{ ref: string }>; failures: unknown[] };
    expect(document.models.map((m) => m.ref)).toEqual(
      expect.arrayContaining(["local:mlp-classifier", "hf:acme/tiny-classifier"]),
    );
    expect(document.failures).toEqual([]);
    const partial = JSON.parse(failed.stdout) as {
      models: Array<{ ref: string }>;
      failures: Array<{ registry: string }>;
    };
    expect(failed.code).toBe(0);
    expect(partial.models.map((m) => m.ref)).toContain("local:mlp-classifier");
    expect(partial.failures).toMatchObject([{ registry: "hf", code: "REGISTRY_UNAVAILABLE" }]);
  });

  it("pull --json prints NDJSON progress with growing bytes up to 100 % and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["pull", "hf:acme/slow-weights", "--json"], env);

    expect(stderr).toBe("");
    expect(code).toBe(0);
    const events = ndjson<Progress>(stdout);
    const done = events.map((event) => event.bytesDone);
    expect(events.length).toBeGreaterThan(2);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(new Set(done).size).toBeGreaterThan(2);
    expect(events.at(-1)).toMatchObject({ status: "SUCCEEDED", bytesDone: WEIGHTS.length, bytesTotal: WEIGHTS.length });
    expect(events.some((event) => event.status === "RUNNING" && event.currentFile === "model.onnx")).toBe(true);
  });

  it("pull without a terminal shows no bar, says what it pulled and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["pull", "hf:acme/tiny-classifier"], env);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Pulled hf:acme\/tiny-classifier@[0-9a-f]{40}: 1 file, 24 kB in .+\n$/);
    expect(stderr).not.toContain("\u001b[");
    expect(stderr).not.toMatch(/[█░\r]/);
  });

  it("info shows the model's files with sizes and sha256, and that it is cached", async () => {
    const { code, stdout } = await runCli(["info", "hf:acme/tiny-classifier"], env);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+cached\s+yes$/m);
    expect(stdout).toMatch(new RegExp(`^\\s+onnx/model\\.onnx\\s+24 kB\\s+${sha256(GRAPH)}$`, "m"));
  });

  it("a malformed reference exits 1 with the gateway's BAD_USER_INPUT on stderr", async () => {
    const { code, stdout, stderr } = await runCli(["pull", "no-registry-prefix"], env);
    const json = await runCli(["info", "no-registry-prefix", "--json"], env);

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error BAD_USER_INPUT: Invalid model reference/);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "BAD_USER_INPUT", field: "ref" } });
  });

  it("Ctrl-C without a terminal to ask on leaves the pull running on the gateway and exits 130", async () => {
    const cli = startCli(["pull", "hf:acme/slow-weights", "--force", "--json"], env);
    await cli.waitFor(/"status":"RUNNING"/);

    cli.child.kill("SIGINT");
    const { code, stderr, stdout } = await cli.result;

    expect(code).toBe(130);
    const pullId = ndjson<Progress>(stdout)[0]?.pullId as string;
    expect(JSON.parse(stderr)).toMatchObject({ error: { code: "INTERRUPTED", pullId } });
    expect((await getPull(setup.gateway, pullId)).status).not.toBe("CANCELLED");
    expect((await waitForPull(setup.gateway, pullId)).status).toBe("SUCCEEDED");
  });

  it("lists pulls, shows the cache and removes a model from it", async () => {
    const pulls = await runCli(["pulls", "--registry", "hf", "--json"], env);
    const removed = await runCli(["rm", "hf:acme/tiny-classifier"], env);
    const cache = await runCli(["cache", "--json"], env);

    expect(JSON.parse(pulls.stdout).pulls.map((p: { ref: string }) => p.ref)).toContain("hf:acme/tiny-classifier");
    expect(removed).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Removed hf:acme\/tiny-classifier: 1 file,/),
    });
    const refs = (JSON.parse(cache.stdout) as { models: Array<{ ref: string }> }).models.map((m) => m.ref);
    expect(refs).toContain("hf:acme/slow-weights");
    expect(refs).not.toContain("hf:acme/tiny-classifier");
  });

  it("exits 2 on a usage error and 3 when no gateway answers at --url", async () => {
    const usage = await runCli(["search", "--limit", "500"], env);
    const unreachable = await runCli(["cache", "--url", "http://127.0.0.1:9/graphql"]);

    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--limit.*expected a whole number from 1 to 100/);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(
      /^error UNREACHABLE: The gateway at http:\/\/127\.0\.0\.1:9\/graphql cannot be reached/,
    );
  });
});
