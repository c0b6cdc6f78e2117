import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../src/domain/errors.js";
import type { ModelManager } from "../src/registries/types.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";
import { type ManifestServer, REAL_ENTRIES, startManifestServer } from "./helpers/zoo-manifest-server.js";

const FILES_URL = "http://mirror.test/onnxmodelzoo/legacy_models/resolve/main";

let source: ManifestServer;
let gateway: TestApp;
let zoo: ModelManager;
beforeAll(async () => {
  source = await startManifestServer();
  gateway = await startTestApp({
    env: { REGISTRIES: "local,onnx-zoo", ONNX_ZOO_MANIFEST_URL: source.url, ONNX_ZOO_FILES_URL: FILES_URL },
  });
  zoo = gateway.app.services.registries.get("onnx-zoo");
});
afterAll(async () => {
  await gateway.close();
  await source.close();
});

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref id name task tags format sizeBytes revision opset onnxVersion availableRevisions cached stale
    files { path sizeBytes sha256 }
    inputs { name elementType shape }
    outputs { name elementType shape }
  }
}`;

const entry = (model: string, opset: number) => {
  const found = REAL_ENTRIES.find((e) => e.model === model && e.opset_version === opset);
  if (!found) throw new Error(`no ${model} at opset ${opset} in the manifest`);
  return found as typeof found & { metadata: Record<string, unknown> };
};

const signal = () => AbortSignal.timeout(5000);

describe("ONNX Model Zoo models", () => {
  it("describes a model at its highest opset: ONNX version, both files with size and sha256, its signature", async () => {
    const mnist = entry("MNIST", 8);
    const { data, errors } = await gateway.graphql(MODEL, { ref: "onnx-zoo:mnist" });

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({
      ref: "onnx-zoo:MNIST", // the zoo's own spelling of the id asked for as "mnist"
      id: "MNIST",
      name: "MNIST",
      task: "image-classification",
      tags: ["vision", "classification", "mnist", "onnx"],
      format: "ONNX",
      sizeBytes: mnist.metadata.model_bytes + (mnist.metadata.model_with_data_bytes as number),
      revision: "8",
      opset: 8,
      onnxVersion: "1.3",
      availableRevisions: ["1", "7", "8"],
      cached: false,
      stale: false,
      files: [
        { path: "mnist-8.onnx", sizeBytes: mnist.metadata.model_bytes, sha256: mnist.metadata.model_sha },
        {
          path: "mnist-8.tar.gz",
          sizeBytes: mnist.metadata.model_with_data_bytes,
          sha256: mnist.metadata.model_with_data_sha,
        },
      ],
      inputs: [{ name: "Input3", elementType: "FLOAT32", shape: [1, 1, 28, 28] }],
      outputs: [{ name: "Plus214_Output_0", elementType: "FLOAT32", shape: [1, 10] }],
    });
  });

  it("picks the opset named by the revision, and keeps symbolic and unknown dimensions", async () => {
    const seven = await gateway.graphql<{ model: { revision: string; onnxVersion: string; files: unknown[] } }>(MODEL, {
      ref: "onnx-zoo:MNIST@7",
    });
    const bert = await gateway.graphql<{ model: { inputs: Array<{ shape: unknown[] }> } }>(MODEL, {
      ref: "onnx-zoo:BERT-Squad",
    });
    const spaced = await gateway.graphql<{ model: { id: string; name: string } }>(MODEL, { ref: "onnx-zoo:vgg_16" });

    expect(seven.data?.model).toMatchObject({ revision: "7", onnxVersion: "1.2" });
    expect(seven.data?.model.files).toEqual([
      expect.objectContaining({ path: "mnist-7.onnx" }),
      expect.objectContaining({ path: "mnist-7.tar.gz" }),
    ]);
    expect(bert.data?.model.inputs[1]).toEqual({
      name: "segment_ids:0",
      elementType: "INT64",
      shape: ["unk__493", 256],
    });
    expect(spaced.data?.model).toMatchObject({ id: "VGG_16", name: "VGG 16" });
  });

  it("shows an entry without io_ports with its files and a null signature", async () => {
    const { data } = await gateway.graphql<{ model: { inputs: null; outputs: null; files: unknown[] } }>(MODEL, {
      ref: "onnx-zoo:MNIST@1",
    });

    expect(data?.model).toMatchObject({ inputs: null, outputs: null });
    expect(data?.model.files).toHaveLength(2);
  });

  it("answers REVISION_NOT_FOUND naming the opsets there are, and MODEL_NOT_FOUND for unknown names", async () => {
    const revision = await gateway.graphql(MODEL, { ref: "onnx-zoo:MNIST@5" });
    const named = await gateway.graphql(MODEL, { ref: "onnx-zoo:MNIST@main" });
    const model = await gateway.graphql(MODEL, { ref: "onnx-zoo:NoSuchNet" });

    expect(revision.data).toEqual({ model: null });
    expect(revision.errors?.[0]?.extensions?.code).toBe("REVISION_NOT_FOUND");
    expect(revision.errors?.[0]?.message).toBe(
      'Model onnx-zoo:MNIST@5 has no revision "5"; its revisions are the opsets 1, 7, 8.',
    );
    expect(named.errors?.[0]?.extensions?.code).toBe("REVISION_NOT_FOUND");
    expect(model.errors?.[0]?.extensions?.code).toBe("MODEL_NOT_FOUND");
  });

  it("lists a model's files and resolves each to the mirror at the manifest's path, with size and sha256", async () => {
    const resnet = entry("ResNet50", 7);
    const ref = { registry: "onnx-zoo", id: "resnet50", revision: null };

    const list = await zoo.listModelFiles(ref, signal());
    const downloads = await Promise.all(list.files.map((file) => zoo.resolveDownload(ref, file, signal())));

    expect(list.revision).toBe("7");
    expect(downloads).toEqual([
      {
        url: `${FILES_URL}/${resnet.model_path}`,
        headers: {},
        sizeBytes: resnet.metadata.model_bytes,
        sha256: resnet.metadata.model_sha,
      },
      {
        url: `${FILES_URL}/${resnet.metadata.model_with_data_path}`,
        headers: {},
        sizeBytes: resnet.metadata.model_with_data_bytes,
        sha256: resnet.metadata.model_with_data_sha,
      },
    ]);
  });

  it("refuses to resolve a file the model does not have", async () => {
    const ref = { registry: "onnx-zoo", id: "MNIST", revision: "8" };
    const attempt = zoo.resolveDownload(ref, { path: "mnist-7.onnx", sizeBytes: null, sha256: null }, signal());

    await expect(attempt).rejects.toThrow(GatewayError);
    await expect(attempt).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
  });

  it("merges a federated search across the local folder and the zoo, with the zoo's tensor signatures", async () => {
    const { data, errors } = await gateway.graphql<{
      searchModels: {
        edges: Array<{ node: { ref: string; inputs: Array<{ name: string; elementType: string }> | null } }>;
        failures: unknown[];
      };
    }>(`{ searchModels(query: "classif", first: 6) {
      edges { node { ref inputs { name elementType shape } } }
      failures { registry code message }
    } }`);

    expect(errors).toBeUndefined();
    expect(data?.searchModels.failures).toEqual([]);
    const nodes = data?.searchModels.edges.map((edge) => edge.node) ?? [];
    expect(nodes.map((node) => node.ref.split(":")[0])).toEqual([
      "local",
      "onnx-zoo",
      "local",
      "onnx-zoo",
      "onnx-zoo",
      "onnx-zoo",
    ]);
    for (const node of nodes.filter((n) => n.ref.startsWith("onnx-zoo:"))) {
      expect(node.inputs?.length).toBeGreaterThan(0);
      for (const input of node.inputs ?? []) expect(input.elementType).not.toBeNull();
    }
  });
});
