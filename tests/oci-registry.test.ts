import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerRegistryInstalled, needsDockerRegistry } from "./helpers/docker-registry.js";
import { fakeGguf, modelPackModel, ollamaModel, onnxArtifact, PARAMS, TEMPLATE } from "./helpers/oci-models.js";
import type { Pushed } from "./helpers/oci-push.js";
import { type OciSetup, startGatewayWith, startOciSetup } from "./helpers/oci-setup.js";
import type { TestApp } from "./helpers/test-app.js";

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref id name author format revision sizeBytes license updatedAt availableRevisions
    files { path sizeBytes sha256 }
    languageModel { family parameterSize quantization contextLength }
  }
}`;

const SEARCH = `query Search($query: String, $registries: [String!], $filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
  searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { ref name author format sizeBytes languageModel { parameterSize } } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

interface SearchData {
  searchModels: {
    edges: Array<{ node: { ref: string; name: string; format: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    failures: unknown[];
  };
}

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

let setup: OciSetup;
const pushed: Record<string, Pushed> = {};
const BULK = Array.from({ length: 7 }, (_, i) => `bulk/model-${i}`);

describe.skipIf(!dockerRegistryInstalled())(needsDockerRegistry("an OCI registry: search and model info"), () => {
  beforeAll(async () => {
    setup = await startOciSetup();
    const { pusher } = setup;
    pushed.tiny1b = await pusher.pushImage("library/tinyllama", "1b", ollamaModel({ contextLength: 2048 }));
    pushed.tinyLatest = await pusher.pushImage(
      "library/tinyllama",
      "latest",
      ollamaModel({ parameterSize: "3B", quantization: "Q8_0", weightsBytes: 2048 }),
    );
    pushed.qwen = await pusher.pushImage(
      "library/qwen-mini",
      "0.5b",
      ollamaModel({ family: "qwen2", parameterSize: "494M" }),
    );
    pushed.onnxV1 = await pusher.pushImage("acme/onnx-doubler", "v1", onnxArtifact());
    pushed.onnxV2 = await pusher.pushImage("acme/onnx-doubler", "v2", onnxArtifact());
    pushed.pack = await pusher.pushImage("team/qwen2-pack", "latest", modelPackModel());
    for (const name of BULK) await pusher.pushImage(name, "latest", onnxArtifact());
    // An index of a linux/arm64 image and a platform-less artifact, as a multi-platform push leaves it.
    const arm = await pusher.pushImage("acme/indexed", "arm64", {
      config: { mediaType: "application/vnd.oci.image.config.v1+json", bytes: Buffer.from('{"os":"linux"}') },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", bytes: fakeGguf(64) }],
    });
    pushed.indexedArtifact = await pusher.pushImage("acme/indexed", "artifact", onnxArtifact());
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: arm.digest,
            size: arm.manifest.length,
            platform: { os: "linux", architecture: "arm64" },
          },
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: pushed.indexedArtifact.digest,
            size: pushed.indexedArtifact.manifest.length,
          },
        ],
      }),
    );
    await pusher.pushManifest("acme/indexed", "latest", index, "application/vnd.oci.image.index.v1+json");
  });
  afterAll(() => setup?.close());

  const ollamaGateway = () =>
    startGatewayWith(null, {
      REGISTRIES: "local,ollama",
      OLLAMA_REGISTRY: setup.registry.url,
      OLLAMA_REGISTRY_MODELS: "tinyllama,library/qwen-mini",
    });
  const catalogGateway = (settings: object = {}) =>
    startGatewayWith([{ name: "team", kind: "oci", endpoint: setup.registry.url, settings }], {
      REGISTRIES: "local,team",
    });

  it("describes an Ollama model at a tag: its layers as named files with sizes and sha256, its config as languageModel", async () => {
    const gateway = await ollamaGateway();

    const { data, errors } = await gateway.graphql(MODEL, { ref: "ollama:tinyllama@1b" });

    expect(errors).toBeUndefined();
    const spec = ollamaModel({ contextLength: 2048 });
    const weights = spec.layers[0]?.bytes as Buffer;
    const files = [
      { path: "model.gguf", sizeBytes: weights.length, sha256: sha256(weights) },
      { path: "template", sizeBytes: Buffer.byteLength(TEMPLATE), sha256: sha256(TEMPLATE) },
      { path: "params.json", sizeBytes: Buffer.byteLength(PARAMS), sha256: sha256(PARAMS) },
      { path: ".oci/config.json", sizeBytes: spec.config.bytes.length, sha256: sha256(spec.config.bytes) },
      {
        path: ".oci/manifest.json",
        sizeBytes: pushed.tiny1b?.manifest.length,
        sha256: pushed.tiny1b?.digest.slice("sha256:".length),
      },
    ];
    expect(data?.model).toEqual({
      ref: "ollama:library/tinyllama@1b", // the short name, in full
      id: "library/tinyllama",
      name: "tinyllama",
      author: "library",
      format: "GGUF",
      revision: pushed.tiny1b?.digest,
      sizeBytes: files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0),
      license: null,
      updatedAt: null,
      availableRevisions: ["1b", "latest"],
      files,
      languageModel: { family: "llama", parameterSize: "1B", quantization: "Q4_K_M", contextLength: 2048 },
    });
  });

  it("reads `latest` when the reference names no tag, a digest as the exact manifest, and the namespace written out", async () => {
    const gateway = await ollamaGateway();

    const latest = await gateway.graphql(MODEL, { ref: "ollama:library/tinyllama" });
    const byDigest = await gateway.graphql(MODEL, { ref: `ollama:library/tinyllama@${pushed.tiny1b?.digest}` });

    expect(latest.data?.model).toMatchObject({
      revision: pushed.tinyLatest?.digest,
      languageModel: { parameterSize: "3B", quantization: "Q8_0", contextLength: null },
    });
    expect(byDigest.data?.model).toMatchObject({
      revision: pushed.tiny1b?.digest,
      languageModel: { parameterSize: "1B" },
    });
  });

  it("answers REVISION_NOT_FOUND naming the tags there are, and MODEL_NOT_FOUND for an unknown repository", async () => {
    const gateway = await ollamaGateway();

    const tag = await gateway.graphql(MODEL, { ref: "ollama:tinyllama@70b" });
    const digest = await gateway.graphql(MODEL, { ref: `ollama:tinyllama@sha256:${"0".repeat(64)}` });
    const repository = await gateway.graphql(MODEL, { ref: "ollama:no-such-model" });

    expect(tag.errors?.[0]).toMatchObject({
      message: 'Model ollama:tinyllama@70b has no revision "70b"; its tags are 1b, latest.',
      extensions: { code: "REVISION_NOT_FOUND", registry: "ollama" },
    });
    expect(digest.errors?.[0]?.extensions?.code).toBe("REVISION_NOT_FOUND");
    expect(repository.errors?.[0]).toMatchObject({
      message: "Model ollama:no-such-model was not found.",
      extensions: { code: "MODEL_NOT_FOUND" },
    });
  });

  it.each([
    ["ollama:Library/TinyLlama", "is not a repository name"],
    ["ollama:tinyllama@-bad", 'the tag "-bad" is not'],
    ["ollama:tinyllama@sha256:abc", "is not sha256: followed by 64 lower-case hex digits"],
    ["ollama:team--x/model", 'cannot cache repository names with "--"'],
  ])("refuses %s before any request, naming the rule", async (ref, rule) => {
    const gateway = await ollamaGateway();

    const { errors } = await gateway.graphql(MODEL, { ref });

    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(errors?.[0]?.message).toContain(rule);
  });

  it("names an ORAS artifact's files by their title annotations, and finds its format by them", async () => {
    const gateway = await catalogGateway();

    const { data } = await gateway.graphql<{ model: { format: string; files: Array<{ path: string }> } }>(MODEL, {
      ref: "team:acme/onnx-doubler@v1",
    });

    expect(data?.model.format).toBe("ONNX");
    // ORAS's empty config ({}) is no file of the model.
    expect(data?.model.files.map((file) => file.path)).toEqual(["model.onnx", "labels.json", ".oci/manifest.json"]);
  });

  it("reads a ModelPack model's config: family, size, quantization, licence and date; archived layers keep .tar", async () => {
    const gateway = await catalogGateway();

    const { data } = await gateway.graphql(MODEL, { ref: "team:team/qwen2-pack" });

    expect(data?.model).toMatchObject({
      format: "GGUF",
      license: "Apache-2.0",
      updatedAt: "2025-03-01T00:00:00.000Z",
      languageModel: { family: "qwen2", parameterSize: "0.5b", quantization: "Q8_0", contextLength: null },
      files: [
        expect.objectContaining({ path: "qwen2-0.5b-q8_0.gguf", sizeBytes: 4096 }),
        expect.objectContaining({ path: "tokenizer.json.tar", sizeBytes: 1024 }),
        expect.objectContaining({ path: ".oci/config.json" }),
        expect.objectContaining({ path: ".oci/manifest.json" }),
      ],
    });
  });

  it("reads the platform-less manifest of an image index, and reports that manifest's digest as the revision", async () => {
    const gateway = await catalogGateway({ platform: "linux/arm64" });

    const { data } = await gateway.graphql(MODEL, { ref: "team:acme/indexed" });

    expect(data?.model).toMatchObject({ format: "ONNX", revision: pushed.indexedArtifact?.digest });
  });

  it("searches the ollama instance's configured repositories, each at latest or else its highest tag", async () => {
    const gateway = await ollamaGateway();

    const all = await gateway.graphql<SearchData>(SEARCH, { registries: ["ollama"], first: 10 });
    const tiny = await gateway.graphql<SearchData>(SEARCH, { query: "tiny", registries: ["ollama"] });

    expect(all.data?.searchModels.edges.map((edge) => edge.node)).toEqual([
      {
        ref: "ollama:library/tinyllama",
        name: "tinyllama",
        author: "library",
        format: "GGUF",
        sizeBytes: expect.any(Number),
        languageModel: { parameterSize: "3B" },
      },
      {
        ref: "ollama:library/qwen-mini@0.5b",
        name: "qwen-mini",
        author: "library",
        format: "GGUF",
        sizeBytes: expect.any(Number),
        languageModel: { parameterSize: "494M" },
      },
    ]);
    expect(tiny.data?.searchModels.edges.map((edge) => edge.node.ref)).toEqual(["ollama:library/tinyllama"]);
  });

  it("pages through /v2/_catalog by its Link header without duplicates or gaps", async () => {
    const gateway = await catalogGateway({ catalogPageSize: 3 });
    const refs: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response: { data?: SearchData } = await (gateway as TestApp).graphql<SearchData>(SEARCH, {
        query: "model",
        registries: ["team"],
        first: 3,
        after,
      });
      refs.push(...(response.data?.searchModels.edges.map((edge) => edge.node.ref) ?? []));
      after = response.data?.searchModels.pageInfo.endCursor ?? null;
      if (!response.data?.searchModels.pageInfo.hasNextPage) break;
    }
    const whole = await gateway.graphql<SearchData>(SEARCH, { query: "model", registries: ["team"], first: 100 });

    expect(refs).toEqual(BULK.map((name) => `team:${name}`));
    expect(whole.data?.searchModels.edges.map((edge) => edge.node.ref)).toEqual(refs);
    expect(whole.data?.searchModels.pageInfo.hasNextPage).toBe(false);
  });

  it("filters the catalog's models by format, and names a repository without latest at its highest tag", async () => {
    const gateway = await catalogGateway();

    const { data } = await gateway.graphql<SearchData>(SEARCH, {
      query: "acme",
      registries: ["team"],
      filter: { format: "ONNX" },
    });
    const gguf = await gateway.graphql<SearchData>(SEARCH, {
      registries: ["team"],
      filter: { format: "GGUF" },
      first: 50,
    });

    expect(data?.searchModels.edges.map((edge) => edge.node.ref)).toEqual([
      "team:acme/indexed",
      "team:acme/onnx-doubler@v2",
    ]);
    expect(gguf.data?.searchModels.edges.map((edge) => edge.node.ref).sort()).toEqual([
      "team:library/qwen-mini@0.5b",
      "team:library/tinyllama",
      "team:team/qwen2-pack",
    ]);
  });
});
