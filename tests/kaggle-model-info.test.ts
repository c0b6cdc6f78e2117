import { describe, expect, it } from "vitest";
import type { ModelManager } from "../src/registries/types.js";
import { type FakeKaggleModel, unavailableAnswer } from "./helpers/fake-kaggle.js";
import { type KaggleGateway, startKaggleGateway } from "./helpers/kaggle-gateway.js";

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref name author description task tags format license sizeBytes revision availableRevisions stale accessStatus pageUrl
    files { path sizeBytes sha256 }
  }
}`;

interface ModelData {
  model:
    | (Record<string, unknown> & { files: Array<{ path: string; sizeBytes: number; sha256: string | null }> })
    | null;
}

/** Thirty files, more than one of Kaggle's pages of files (25). */
const SAVED_MODEL = Array.from({ length: 30 }, (_, i) => ({
  name: i === 0 ? "saved_model.pb" : `variables/variables.data-${String(i).padStart(5, "0")}-of-00029`,
  content: `shard ${i} `.repeat(i + 1),
}));

const MOBILENET: FakeKaggleModel = {
  owner: "google",
  slug: "mobilenet-v2",
  title: "MobileNet V2",
  subtitle: "Small image classifiers.",
  description: "MobileNet V2 trained on ImageNet.",
  tags: ["Image Classification"],
  voteCount: 42,
  instances: [
    {
      framework: "tfLite",
      slug: "100-224-classification",
      licenseName: "Apache 2.0",
      overview: "A TFLite classifier, 224x224 inputs.",
      versions: [
        [{ name: "1.tflite", content: "first weights" }],
        [
          { name: "1.tflite", content: "second weights, larger" },
          { name: "labels.txt", content: "cat\ndog\n" },
        ],
      ],
    },
    { framework: "tensorFlow2", slug: "100-224-classification", versions: [SAVED_MODEL] },
  ],
};

async function model(setup: KaggleGateway, ref: string) {
  return setup.gateway.graphql<ModelData>(MODEL, { ref });
}

describe("Kaggle model info", () => {
  it("describes an instance at its current version: overview, licence, tags, versions and files with sizes", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });

    const { data, errors } = await model(setup, "kaggle:google/mobilenet-v2/tfLite/100-224-classification");

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({
      ref: "kaggle:google/mobilenet-v2/tfLite/100-224-classification",
      name: "mobilenet-v2/tfLite/100-224-classification",
      author: "google",
      description: "A TFLite classifier, 224x224 inputs.",
      task: "image-classification",
      tags: ["Image Classification"],
      format: "TFLITE",
      license: "Apache 2.0",
      sizeBytes: Buffer.byteLength("second weights, larger") + Buffer.byteLength("cat\ndog\n"),
      revision: "2",
      availableRevisions: ["1", "2"],
      stale: false,
      accessStatus: "PUBLIC",
      pageUrl: "https://www.kaggle.com/models/google/mobilenet-v2/tfLite/100-224-classification",
      files: [
        { path: "1.tflite", sizeBytes: Buffer.byteLength("second weights, larger"), sha256: null },
        { path: "labels.txt", sizeBytes: 8, sha256: null },
      ],
    });
    const instance = { ownerSlug: "google", modelSlug: "mobilenet-v2", framework: "MODEL_FRAMEWORK_TF_LITE" };
    expect(setup.kaggle.calls("GetModelInstance").map((c) => c.body)).toEqual([
      { ...instance, instanceSlug: "100-224-classification" },
    ]);
    expect(setup.kaggle.calls("ListModelInstanceVersionFiles").map((c) => c.body)).toEqual([
      { ...instance, instanceSlug: "100-224-classification", versionNumber: 2, pageSize: 25 },
    ]);
  });

  it("pins a version with @ and lists its files across Kaggle's pages of files", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });

    const old = await model(setup, "kaggle:google/mobilenet-v2/tfLite/100-224-classification@1");
    const saved = await model(setup, "kaggle:google/mobilenet-v2/tensorflow2/100-224-classification");

    expect(old.data?.model).toMatchObject({ revision: "1", files: [{ path: "1.tflite", sizeBytes: 13 }] });
    expect(saved.data?.model?.files.map((f) => [f.path, f.sizeBytes])).toEqual(
      SAVED_MODEL.map((file) => [file.name, Buffer.byteLength(file.content)]),
    );
    expect(saved.data?.model).toMatchObject({ format: "TENSORFLOW", revision: "1" });
    const tokens = setup.kaggle
      .calls("ListModelInstanceVersionFiles")
      .filter((c) => c.body.framework === "MODEL_FRAMEWORK_TENSOR_FLOW_2")
      .map((c) => c.body.pageToken ?? null);
    expect(tokens).toEqual([null, expect.any(String)]);
  });

  it("answers MODEL_NOT_FOUND for a missing model or instance, and REVISION_NOT_FOUND naming the versions there are", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });

    const noModel = await model(setup, "kaggle:google/nothing/tfLite/default");
    const noInstance = await model(setup, "kaggle:google/mobilenet-v2/jax/100-224-classification");
    const noVersion = await model(setup, "kaggle:google/mobilenet-v2/tfLite/100-224-classification@7");

    expect(noModel.errors?.[0]).toMatchObject({
      message: "Model kaggle:google/nothing/tfLite/default was not found.",
      extensions: { code: "MODEL_NOT_FOUND" },
    });
    expect(noInstance.errors?.[0]?.extensions?.code).toBe("MODEL_NOT_FOUND");
    expect(noVersion.errors?.[0]).toMatchObject({
      message:
        'Model kaggle:google/mobilenet-v2/tfLite/100-224-classification@7 has no revision "7"; its versions are 1, 2.',
      extensions: { code: "REVISION_NOT_FOUND" },
    });
  });

  it.each([
    ["google/mobilenet-v2/tfLite", "four parts"],
    ["google/mobilenet-v2/caffe/default", '"caffe" is not a Kaggle framework'],
    ["google/mobilenet-v2/tfLite/default@latest", "the version after @ is a number"],
    ["google/../tfLite/default", "is not a Kaggle slug"],
  ])("refuses %s before calling Kaggle", async (id, rule) => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });

    const { data, errors } = await model(setup, `kaggle:${id}`);

    expect(data).toEqual({ model: null });
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(errors?.[0]?.message).toContain(rule);
    expect(setup.kaggle.requests).toEqual([]);
  });

  it("serves a stored copy without asking Kaggle while it is younger than KAGGLE_CACHE_TTL_SECONDS", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] }, { KAGGLE_CACHE_TTL_SECONDS: "3600" });

    const first = await model(setup, "kaggle:google/mobilenet-v2/tfLite/100-224-classification");
    const second = await model(setup, "kaggle:google/mobilenet-v2/tfLite/100-224-classification");

    expect(second.data).toEqual(first.data);
    expect(setup.kaggle.calls("GetModelInstance")).toHaveLength(1);
  });

  it("serves the stored copy flagged stale when Kaggle stays unavailable", async () => {
    const setup = await startKaggleGateway(
      { models: [MOBILENET] },
      { KAGGLE_CACHE_TTL_SECONDS: "0", KAGGLE_MAX_RETRIES: "1" },
    );
    const ref = "kaggle:google/mobilenet-v2/tfLite/100-224-classification";
    const fresh = await model(setup, ref);

    setup.kaggle.failNext(() => true, ...Array.from({ length: 10 }, () => unavailableAnswer));
    const stale = await model(setup, ref);

    expect(stale.errors).toBeUndefined();
    expect(stale.data?.model).toEqual({ ...fresh.data?.model, stale: true });
  });

  it("lists files with the same requests as model info, made once when both run at once", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });
    const kaggle = setup.gateway.app.services.registries.get("kaggle") as ModelManager;
    const ref = { registry: "kaggle", id: "google/mobilenet-v2/tfLite/100-224-classification", revision: null };
    const signal = AbortSignal.timeout(10_000);

    const [[info], files] = await Promise.all([
      kaggle.getModelInfos([ref], signal),
      kaggle.listModelFiles(ref, signal),
    ]);

    expect(info).toMatchObject({ revision: files.revision, files: files.files });
    expect(setup.kaggle.calls("GetModelInstance")).toHaveLength(1);
    expect(setup.kaggle.calls("ListModelInstanceVersionFiles")).toHaveLength(1);
  });
});
