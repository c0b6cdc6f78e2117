import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { bytesOf, npyFile } from "./helpers/npy.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const FEATURES = [
  [5.1, 3.5, 1.4, 0.2],
  [-0.4, 2.0, 0.3, 1.1],
  [0.5, -1.0, 2.0, 0.0],
];

let gateway: TestApp;
let dir: string;
let env: Record<string, string>;
let expected: number[];

beforeAll(async () => {
  gateway = await startTestApp({ http: true, env: { EXECUTION_PROVIDERS: "cpu" } });
  dir = await mkdtemp(join(tmpdir(), "cli-run-"));
  env = { GATEWAY_URL: `${gateway.url}/graphql` };
  // The same model file, run by onnxruntime-node in this process: what the command must print.
  const session = await ort.InferenceSession.create(join(gateway.modelsDir, "mlp-classifier", "model.onnx"));
  const result = await session.run({ features: new ort.Tensor("float32", Float32Array.from(FEATURES.flat()), [3, 4]) });
  expected = Array.from((result.probabilities as ort.Tensor).data as Float32Array);
  await session.release();
});
afterAll(async () => {
  await gateway?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Each row's classes, best first, from the direct run. */
function expectedOrder(row: number): number[] {
  const scores = expected.slice(row * 3, row * 3 + 3);
  return [0, 1, 2].sort((a, b) => (scores[b] as number) - (scores[a] as number));
}

describe("model-gateway run", () => {
  it("prints, with --json, the outputs a direct onnxruntime-node run gives for a JSON input", async () => {
    const file = join(dir, "features.json");
    await writeFile(file, JSON.stringify(FEATURES));

    const { code, stdout, stderr } = await runCli(
      ["run", "local:mlp-classifier", "--input", `features=@${file}`, "--json"],
      env,
    );

    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ model: "local:mlp-classifier", file: "model.onnx", provider: "CPU" });
    expect(result.outputs).toEqual([
      { name: "probabilities", elementType: "FLOAT32", shape: [3, 3], data: expected, base64: null },
    ]);
  });

  it("reads an .npy input and prints each row's top classes, decoded from base64, with the provider and timings", async () => {
    const file = join(dir, "features.npy");
    await writeFile(file, npyFile("<f4", [3, 4], bytesOf(Float32Array.from(FEATURES.flat()))));

    const { code, stdout } = await runCli(
      ["run", "local:mlp-classifier", "-i", `features=@${file}`, "--output-encoding", "base64", "--top", "2"],
      env,
    );

    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("probabilities  float32 [3, 3]");
    for (const row of [0, 1, 2]) {
      const [best, second] = expectedOrder(row);
      const score = (expected[row * 3 + (best as number)] as number).toFixed(4);
      expect(lines[row + 1]).toMatch(
        new RegExp(`^  \\[${row}\\] class ${best} ${score}   class ${second} \\d\\.\\d{4}$`),
      );
    }
    expect(stdout).toMatch(/^provider {2}CPU/m);
    expect(stdout).toMatch(/^timings {3}total \S+, run \S+, session \S+/m);
  });

  it("lists the runs it made with their shapes", async () => {
    const { code, stdout } = await runCli(["runs", "--model", "local:mlp-classifier", "--json"], env);

    expect(code).toBe(0);
    const { runs } = JSON.parse(stdout) as { runs: Array<Record<string, unknown>> };
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      model: "local:mlp-classifier",
      status: "SUCCEEDED",
      inputs: [{ name: "features", elementType: "FLOAT32", shape: [3, 4] }],
    });
  });

  it("refuses a big-endian .npy file as a usage error (exit 2) without asking the gateway", async () => {
    const file = join(dir, "big-endian.npy");
    await writeFile(file, npyFile(">f4", [1, 4], new Uint8Array(16)));

    // Nothing listens at this URL: asking the gateway would end in exit 3.
    const nowhere = { GATEWAY_URL: "http://127.0.0.1:9/graphql" };
    const { code, stderr } = await runCli(["run", "local:mlp-classifier", "-i", `features=@${file}`], nowhere);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error USAGE: .*big-endian\.npy is big-endian/);
  });

  it("answers a wrong shape with the gateway's BAD_USER_INPUT and the field at fault", async () => {
    const { code, stderr } = await runCli(["run", "local:mlp-classifier", "-i", "features=[[1, 2, 3]]"], env);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error BAD_USER_INPUT: Input features must have size 4 at dimension 1/);
    expect(stderr).toMatch(/^ {2}field: inputs\[0\]\.shape$/m);
  });
});
