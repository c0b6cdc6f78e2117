import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ModelManager } from "../src/registries/types.js";
import { type FakeHubFile, type FakeHubRepo, unavailableAnswer } from "./helpers/fake-hub.js";
import { startHubGateway } from "./helpers/hub-gateway.js";

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref name author description task tags format license sizeBytes revision stale
    accessStatus gateKind pageUrl onnxFiles
    files { path sizeBytes sha256 }
  }
}`;

const ACCESS = `query Access($ref: String!) { model(ref: $ref) { ref accessStatus gateKind pageUrl } }`;

const FILES: FakeHubFile[] = [
  { path: ".gitattributes", content: "*.onnx filter=lfs diff=lfs merge=lfs -text\n" },
  { path: "README.md", content: "# Vision\n" },
  { path: "config.json", content: '{"architectures":["ResNet"]}' },
  { path: "onnx/model.onnx", content: "graph bytes ".repeat(100) },
  { path: "onnx/model_quantized.onnx", content: "smaller graph" },
];

const VISION: FakeHubRepo = {
  id: "acme/vision",
  files: FILES,
  branches: ["main", "v1.0"],
  pipelineTag: "image-classification",
  libraryName: "transformers",
  license: "apache-2.0",
  description: "Classifies images.",
  downloads: 1234,
  likes: 56,
};

const sha256 = (content: string) => createHash("sha256").update(content).digest("hex");
const byteLength = (content: string) => Buffer.byteLength(content);

describe("Hugging Face Hub model info", () => {
  it("describes a model at its resolved commit, with every file's size and the LFS files' sha256", async () => {
    const setup = await startHubGateway({ repos: [VISION] });

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({
      ref: "hf:acme/vision",
      name: "vision",
      author: "acme",
      description: "Classifies images.",
      task: "image-classification",
      tags: ["transformers", "onnx", "license:apache-2.0", "region:us"],
      format: "ONNX",
      license: "apache-2.0",
      sizeBytes: FILES.reduce((sum, file) => sum + byteLength(file.content as string), 0),
      revision: setup.hub.commitOf("acme/vision"),
      stale: false,
      accessStatus: "PUBLIC",
      gateKind: null,
      pageUrl: `${setup.hub.url}/acme/vision`,
      onnxFiles: ["onnx/model.onnx", "onnx/model_quantized.onnx"],
      files: FILES.map((file) => ({
        path: file.path,
        sizeBytes: byteLength(file.content as string),
        // Only LFS files have a sha256 on the Hub; small files have a git blob id.
        sha256: file.path.endsWith(".onnx") ? sha256(file.content as string) : null,
      })),
    });
    expect(setup.hub.requestsTo("hub", "/api/models/acme/vision")[0]?.query.get("blobs")).toBe("true");
  });

  it("resolves a branch or tag to its commit, and answers REVISION_NOT_FOUND for an unknown revision", async () => {
    const setup = await startHubGateway({ repos: [VISION] });
    const tag = setup.hub.commitOf("acme/vision", "v1.0");

    const byTag = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision@v1.0" });
    const byCommit = await setup.gateway.graphql(MODEL, { ref: `hf:acme/vision@${tag}` });
    const unknown = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision@v9" });

    expect(byTag.data?.model).toMatchObject({ ref: "hf:acme/vision@v1.0", revision: tag });
    expect(byCommit.data?.model).toMatchObject({ revision: tag });
    expect(unknown.data).toEqual({ model: null });
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'Model hf:acme/vision@v9 has no revision "v9".',
      extensions: { code: "REVISION_NOT_FOUND", registry: "hf", ref: "hf:acme/vision@v9" },
    });
  });

  it("lists files through the tree API, page by page, when the endpoint ignores blobs=true", async () => {
    const setup = await startHubGateway({ repos: [VISION], ignoreBlobs: true, treePageSize: 2 });

    const { data } = await setup.gateway.graphql<{ model: { files: unknown[] } }>(MODEL, { ref: "hf:acme/vision" });

    expect(data?.model.files).toEqual(
      [...FILES]
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((file) => ({
          path: file.path,
          sizeBytes: byteLength(file.content as string),
          sha256: file.path.endsWith(".onnx") ? sha256(file.content as string) : null,
        })),
    );
    const commit = setup.hub.commitOf("acme/vision");
    const tree = setup.hub.requestsTo("hub", `/api/models/acme/vision/tree/${commit}`);
    expect(tree.length).toBeGreaterThan(1); // more than one page, each asked of HF_ENDPOINT
    expect(setup.hub.requestsTo("canonical")).toEqual([]);
  });

  it("follows a renamed repository's redirect on the Hub's own host", async () => {
    const setup = await startHubGateway({ repos: [VISION], renames: { "old-org/vision": "acme/vision" } });

    const { data } = await setup.gateway.graphql(MODEL, { ref: "hf:old-org/vision" });

    // The model answers under the name the Hub gives it now.
    expect(data?.model).toMatchObject({ ref: "hf:acme/vision", name: "vision", revision: expect.any(String) });
  });

  it.each([
    ["a--b/model", "ids contain no `--` or `..`"],
    ["org/name/extra", "ids have at most one `/`"],
    [`org/${"x".repeat(93)}`, "ids have at most 96 characters"],
    ["org/-name", "the author and the name each start and end with a letter, digit or `_`"],
    ["org/naïve", "ids use only letters, digits, `-`, `_` and `.`"],
    ["org/name.git", "ids do not end in `.git`"],
    ["org/name@main..x", "revisions contain no `..` or `//`"],
    ["org/name@feature.lock", "revisions neither start with"],
  ])("refuses %s before any request, naming the Hub's rule", async (id, rule) => {
    const setup = await startHubGateway({ repos: [VISION] });

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: `hf:${id}` });

    expect(data).toEqual({ model: null });
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(errors?.[0]?.message).toContain(rule);
    expect(setup.hub.requests).toEqual([]);
  });

  it("serves a stored copy without asking the Hub while it is younger than HF_CACHE_TTL_SECONDS", async () => {
    const setup = await startHubGateway({ repos: [VISION] }, { HF_CACHE_TTL_SECONDS: "3600" });

    const first = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });
    const second = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });

    expect(second.data).toEqual(first.data);
    expect(setup.hub.requestsTo("hub", "/api/models/acme/vision")).toHaveLength(1);
  });

  it("serves the stored copy flagged stale when the Hub stays unavailable", async () => {
    const setup = await startHubGateway({ repos: [VISION] }, { HF_CACHE_TTL_SECONDS: "0", HF_MAX_RETRIES: "1" });
    const fresh = await setup.gateway.graphql<{ model: Record<string, unknown> }>(MODEL, { ref: "hf:acme/vision" });

    setup.hub.failNext(() => true, unavailableAnswer, unavailableAnswer);
    const stale = await setup.gateway.graphql<{ model: Record<string, unknown> }>(MODEL, { ref: "hf:acme/vision" });

    expect(stale.errors).toBeUndefined();
    expect(stale.data?.model).toEqual({ ...fresh.data?.model, stale: true });
  });

  it("makes identical concurrent requests to the Hub once", async () => {
    const setup = await startHubGateway({ repos: [VISION] });
    const hf = setup.gateway.app.services.registries.get("hf") as ModelManager;
    const ref = { registry: "hf", id: "acme/vision", revision: null };
    const signal = AbortSignal.timeout(10_000);

    const [[info], files] = await Promise.all([hf.getModelInfos([ref], signal), hf.listModelFiles(ref, signal)]);

    expect(info).toMatchObject({ revision: files.revision, files: files.files });
    expect(setup.hub.requestsTo("hub", "/api/models/acme/vision")).toHaveLength(1);
  });
});

describe("Hugging Face Hub access", () => {
  const repos: FakeHubRepo[] = [
    { id: "acme/open" },
    { id: "acme/secret", private: true, grantedTokens: ["hf_granted"] },
    { id: "acme/gated", gated: "manual", grantedTokens: ["hf_granted"] },
    { id: "acme/gated-auto", gated: "auto" },
    { id: "acme/disabled", disabled: true },
  ];
  const tokens = ["hf_granted", "hf_other"];

  async function ask(token: string | null, ref: string) {
    const setup = await startHubGateway({ repos, tokens }, token ? { HF_TOKEN: token } : {});
    return { hubUrl: setup.hub.url, ...(await setup.gateway.graphql(ACCESS, { ref })) };
  }

  it.each([
    [null, "hf:acme/open", "PUBLIC", null],
    [null, "hf:acme/gated", "REQUIRES_TOKEN", "MANUAL"],
    [null, "hf:acme/gated-auto", "REQUIRES_TOKEN", "AUTOMATIC"],
    ["hf_granted", "hf:acme/gated", "GATED", "MANUAL"],
    ["hf_other", "hf:acme/gated", "DENIED", "MANUAL"],
    ["hf_granted", "hf:acme/secret", "PRIVATE", null],
  ])("with token %s, %s is %s (gate %s)", async (token, ref, accessStatus, gateKind) => {
    const { data, errors, hubUrl } = await ask(token, ref);

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({ ref, accessStatus, gateKind, pageUrl: `${hubUrl}/${ref.slice(3)}` });
  });

  it.each([
    [null, "hf:acme/missing", "AUTHENTICATION_REQUIRED", /needs a token .*set HF_TOKEN/],
    [null, "hf:acme/secret", "AUTHENTICATION_REQUIRED", /needs a token/],
    ["hf_other", "hf:acme/missing", "MODEL_NOT_FOUND", /was not found/],
    ["hf_other", "hf:acme/secret", "MODEL_NOT_FOUND", /was not found/],
    ["hf_revoked", "hf:acme/open", "ACCESS_DENIED", /refused the configured token \(HF_TOKEN\).*Invalid credentials/],
    [null, "hf:acme/disabled", "ACCESS_DENIED", /refused the request for model hf:acme\/disabled: .*disabled/],
  ])("with token %s, %s answers %s", async (token, ref, code, message) => {
    const { data, errors } = await ask(token, ref);

    expect(data).toEqual({ model: null });
    expect(errors?.[0]?.extensions).toMatchObject({ code, registry: "hf" });
    expect(errors?.[0]?.message).toMatch(message);
  });
});
