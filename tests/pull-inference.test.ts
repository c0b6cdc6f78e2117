import { describe, expect, it } from "vitest";
import { sampleModels } from "../src/registries/local/sample-models.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { startTestApp } from "./helpers/test-app.js";

const pair = sampleModels().find((model) => model.path === "pair-classifier.onnx")?.bytes as Uint8Array;
const embedding = (name: string, value: number) => ({
  name,
  elementType: "FLOAT32",
  shape: [1, 8],
  data: Array(8).fill(value),
});
const inputs = [embedding("left", 0.25), embedding("right", 0.75)];

describe("inference on a model of a remote registry", () => {
  it("pulls the model into the cache first, then runs it from there without asking the registry again", async () => {
    const server = await FileServer.start();
    const files = {
      "onnx/model.onnx": Buffer.from(pair),
      "config.json": Buffer.from("{}"),
      "weights.bin": Buffer.alloc(10),
    };
    const registry = new FakePullRegistry("remote", server.url).add("org/pair", files, server);
    const gateway = await startTestApp({ registries: new RegistrySet([registry]) });

    const refused = await runInference(gateway, { model: "remote:org/pair", pull: false, inputs });
    const first = await runOk(gateway, { model: "remote:org/pair", inputs });
    const listed = registry.listCalls;
    const again = await runOk(gateway, { model: "remote:org/pair", pull: false, inputs });

    expect(refused).toMatchObject({ __typename: "GatewayError", code: "MODEL_NOT_CACHED" });
    expect(first.file).toBe("onnx/model.onnx");
    expect(first.outputs[0]?.shape).toEqual([1, 2]);
    expect(again.outputs).toEqual(first.outputs);
    expect(registry.listCalls).toBe(listed);
    expect(server.requests.map((r) => r.path).sort()).toEqual([
      registry.filePath("org/pair", "config.json"),
      registry.filePath("org/pair", "onnx/model.onnx"),
    ]);
  });
});
