import { expect, it } from "vitest";
import { FakeHub } from "./helpers/fake-hub.js";
import { startTestApp } from "./helpers/test-app.js";
import { startManifestServer } from "./helpers/zoo-manifest-server.js";

interface Node {
  ref: string;
  registry: string;
  inputs: Array<{ name: string; elementType: string; shape: Array<number | string> }> | null;
}

it("merges the local folder, the Hub and the zoo in one search, with the zoo's tensor signatures", async () => {
  const hub = await FakeHub.start({
    repos: [
      { id: "acme/resnet-50-onnx", pipelineTag: "image-classification", files: [{ path: "model.onnx", content: "w" }] },
      { id: "acme/tiny-classifier", pipelineTag: "text-classification", files: [{ path: "model.onnx", content: "w" }] },
    ],
  });
  const zoo = await startManifestServer();
  const gateway = await startTestApp({
    env: { REGISTRIES: "local,hf,onnx-zoo", HF_ENDPOINT: hub.url, ONNX_ZOO_MANIFEST_URL: zoo.url },
  });

  const { data, errors } = await gateway.graphql<{
    searchModels: { edges: Array<{ node: Node }>; failures: unknown[] };
  }>(`{ searchModels(query: "classif", first: 100) {
        edges { node { ref registry inputs { name elementType shape } } }
        failures { registry code }
      } }`);

  expect(errors).toBeUndefined();
  const nodes = data?.searchModels.edges.map((e) => e.node) ?? [];
  expect(data?.searchModels.failures).toEqual([]);
  expect(new Set(nodes.map((n) => n.registry))).toEqual(new Set(["local", "hf", "onnx-zoo"]));
  expect(nodes.map((n) => n.ref)).toEqual(expect.arrayContaining(["local:mlp-classifier", "hf:acme/tiny-classifier"]));
  const alexNet = nodes.find((n) => n.ref === "onnx-zoo:AlexNet");
  expect(alexNet?.inputs).toEqual([{ name: "data_0", elementType: "FLOAT32", shape: [1, 3, 224, 224] }]);
});
