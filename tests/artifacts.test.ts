import { describe, expect, it } from "vitest";
import { FakeHub } from "./helpers/fake-hub.js";
import { FakeModelScope } from "./helpers/fake-modelscope.js";
import { seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { getPull, pullToEnd } from "./helpers/pulls.js";
import { startTestApp } from "./helpers/test-app.js";

/** The same ONNX bytes, published on the Hub and on ModelScope under different models. */
const GRAPH = seededBytes(400_000, 12);
const SHA = sha256(GRAPH);

/** Both registries and a gateway over them; all three close when the test ends. */
async function start() {
  const hub = await FakeHub.start({
    repos: [{ id: "acme/vision", files: [{ path: "onnx/model.onnx", content: GRAPH }] }],
  });
  const modelscope = await FakeModelScope.start({
    repos: [{ id: "mirror/vision-ms", files: [{ path: "model.onnx", content: GRAPH }] }],
  });
  const gateway = await startTestApp({
    env: {
      REGISTRIES: "local,hf,modelscope",
      HF_ENDPOINT: hub.url,
      MODELSCOPE_ENDPOINT: modelscope.url,
      HF_RETRY_BACKOFF_MS: "5",
      MODELSCOPE_RETRY_BACKOFF_MS: "5",
    },
  });
  // The gateway learns what each registry publishes by looking the models up.
  const { errors } = await gateway.graphql(
    `{ a: model(ref: "hf:acme/vision") { ref } b: model(ref: "modelscope:mirror/vision-ms") { ref } }`,
  );
  expect(errors).toBeUndefined();
  return { hub, modelscope, gateway };
}

const ARTIFACT = `query($sha: String!) { artifact(sha256: $sha) { sha256 sizeBytes cached locations { registry model path knownBy } } }`;

describe("one identity for the same bytes", () => {
  it("lists every model file known to hold a sha256, and says where else a file's bytes live", async () => {
    const { hub, gateway } = await start();

    const { data } = await gateway.graphql<{ artifact: { locations: Array<{ registry: string }> } }>(ARTIFACT, {
      sha: SHA.toUpperCase(),
    });
    const files = await gateway.graphql<{ model: { files: Array<{ path: string; alsoAt: unknown[] }> } }>(
      `{ model(ref: "hf:acme/vision") { files { path alsoAt { registry model path } } } }`,
    );

    expect(data?.artifact).toEqual({
      sha256: SHA,
      sizeBytes: GRAPH.length,
      cached: false,
      locations: [
        {
          registry: "hf",
          model: `hf:acme/vision@${hub.commitOf("acme/vision")}`,
          path: "onnx/model.onnx",
          knownBy: "REGISTRY",
        },
        {
          registry: "modelscope",
          model: expect.stringMatching(/^modelscope:mirror\/vision-ms@[0-9a-f]+$/),
          path: "model.onnx",
          knownBy: "REGISTRY",
        },
      ],
    });
    expect(files.data?.model.files.find((file) => file.path === "onnx/model.onnx")?.alsoAt).toEqual([
      { registry: "modelscope", model: expect.stringMatching(/^modelscope:mirror\/vision-ms@/), path: "model.onnx" },
    ]);
  });

  it("never downloads bytes the cache already holds: the second registry's pull links them, 0 bytes transferred", async () => {
    const { modelscope, gateway } = await start();

    const first = await pullToEnd(gateway, "hf:acme/vision", { files: ["*.onnx"] });
    const second = await pullToEnd(gateway, "modelscope:mirror/vision-ms", { files: ["*.onnx"] });
    const skipped = await gateway.graphql<{ pull: { bytesSkipped: number } }>(
      `query($id: ID!) { pull(id: $id) { bytesSkipped } }`,
      { id: second.id },
    );
    const artifact = await gateway.graphql<{ artifact: { cached: boolean } }>(ARTIFACT, { sha: SHA });

    expect(first).toMatchObject({ status: "SUCCEEDED", files: [{ status: "VERIFIED", sha256: SHA }] });
    expect(second).toMatchObject({
      status: "SUCCEEDED",
      files: [{ path: "model.onnx", status: "CACHED", sha256: SHA }],
    });
    expect(skipped.data?.pull.bytesSkipped).toBe(GRAPH.length);
    expect(modelscope.downloadsOf("mirror/vision-ms", "model.onnx")).toEqual([]);
    expect(artifact.data?.artifact.cached).toBe(true);
  });

  it("finishes a download whose source dies halfway from another source of the same bytes, where it stopped", async () => {
    const { hub, modelscope, gateway } = await start();
    const cut = 150_000;
    modelscope.faultDownload("mirror/vision-ms", "model.onnx", { cutAfter: [cut] });

    const pull = await pullToEnd(gateway, "modelscope:mirror/vision-ms", { files: ["*.onnx"] });
    const sources = await gateway.graphql<{ pull: { files: Array<{ sources: unknown[] }> } }>(
      `query($id: ID!) { pull(id: $id) { files { sources { model path } } } }`,
      { id: pull.id },
    );

    expect(pull).toMatchObject({ status: "SUCCEEDED", files: [{ status: "VERIFIED", sha256: SHA }] });
    expect(sources.data?.pull.files[0]?.sources).toEqual([
      { model: expect.stringMatching(/^modelscope:mirror\/vision-ms@/), path: "model.onnx" },
      { model: `hf:acme/vision@${hub.commitOf("acme/vision")}`, path: "onnx/model.onnx" },
    ]);
    const resumed = hub.requestsTo("cdn").filter((request) => request.method === "GET");
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.range).toBe(`bytes=${cut}-`);
    expect((await getPull(gateway, pull.id)).attempts).toBe(2);
  });
});
