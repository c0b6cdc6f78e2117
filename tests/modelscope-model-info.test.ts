import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FakeModelScopeFile, FakeModelScopeRepo } from "./helpers/fake-modelscope.js";
import { startModelScopeGateway } from "./helpers/modelscope-gateway.js";

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref name author description task tags format license downloads likes updatedAt sizeBytes
    revision availableRevisions stale accessStatus pageUrl onnxFiles
    files { path sizeBytes sha256 }
  }
}`;

const FILES: FakeModelScopeFile[] = [
  { path: ".gitattributes", content: "*.onnx filter=lfs diff=lfs merge=lfs -text\n" },
  { path: "README.md", content: "# Vision\n" },
  { path: "configuration.json", content: '{"framework":"onnx","task":"image-classification"}' },
  { path: "onnx/model.onnx", content: "graph bytes ".repeat(100) },
  { path: "onnx/int8/model_quantized.onnx", content: "smaller graph" },
];

const VISION: FakeModelScopeRepo = {
  id: "acme/vision",
  files: FILES,
  branches: ["master", "dev"],
  tags: ["v1.0"],
  tasks: ["image-classification"],
  labels: ["vision", "onnx"],
  license: "Apache License 2.0",
  description: "Classifies images.",
  downloads: 1234,
  stars: 56,
  lastUpdated: 1_735_689_600,
};

const sha256 = (content: string) => createHash("sha256").update(content).digest("hex");

describe("ModelScope model info", () => {
  it("describes a model at the commit master points at, with every file's size and sha256 from the recursive file list", async () => {
    const setup = await startModelScopeGateway({ repos: [VISION] });

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision" });

    expect(errors).toBeUndefined();
    const files = FILES.filter((file) => file.path !== ".gitattributes");
    expect(data?.model).toEqual({
      ref: "modelscope:acme/vision",
      name: "vision",
      author: "acme",
      description: "Classifies images.",
      task: "image-classification",
      tags: ["vision", "onnx"],
      format: "ONNX",
      license: "Apache License 2.0",
      downloads: 1234,
      likes: 56,
      updatedAt: "2025-01-01T00:00:00.000Z",
      sizeBytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.content as string), 0),
      revision: setup.modelscope.commitOf("acme/vision", "master"),
      availableRevisions: ["master", "dev", "v1.0"],
      stale: false,
      accessStatus: "PUBLIC",
      pageUrl: `${setup.modelscope.url}/models/acme/vision`,
      onnxFiles: ["onnx/int8/model_quantized.onnx", "onnx/model.onnx"],
      files: files
        .map((file) => ({
          path: file.path,
          sizeBytes: Buffer.byteLength(file.content as string),
          sha256: sha256(file.content as string),
        }))
        .sort((a, b) => a.path.localeCompare(b.path)),
    });
    const [commits] = setup.modelscope.requestsTo("api", "/api/v1/models/acme/vision/commits");
    expect(Object.fromEntries(commits?.query ?? [])).toEqual({ Ref: "master", PageNumber: "1", PageSize: "1" });
    const [list] = setup.modelscope.requestsTo("api", "/api/v1/models/acme/vision/repo/files");
    expect(Object.fromEntries(list?.query ?? [])).toEqual({
      Revision: setup.modelscope.commitOf("acme/vision", "master"),
      Recursive: "True",
    });
  });

  it("resolves a branch or a tag to its commit, and answers REVISION_NOT_FOUND naming the revisions there are", async () => {
    const setup = await startModelScopeGateway({ repos: [VISION] });

    const dev = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision@dev" });
    const tag = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision@v1.0" });
    const missing = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision@v9" });

    expect(dev.data?.model).toMatchObject({ revision: setup.modelscope.commitOf("acme/vision", "dev") });
    expect(tag.data?.model).toMatchObject({ revision: setup.modelscope.commitOf("acme/vision", "v1.0") });
    // A tag's commit comes with /revisions, so only the branch needed /commits.
    expect(
      setup.modelscope.requestsTo("api", "/api/v1/models/acme/vision/commits").map((r) => r.query.get("Ref")),
    ).toEqual(["dev"]);
    expect(missing.errors?.[0]?.extensions?.code).toBe("REVISION_NOT_FOUND");
    expect(missing.errors?.[0]?.message).toBe(
      'Model modelscope:acme/vision has no revision "v9"; it has master, dev, v1.0.',
    );
  });

  it("reads a model by a commit id, as a pinned reference names it", async () => {
    const setup = await startModelScopeGateway({ repos: [VISION] });
    const commit = setup.modelscope.commitOf("acme/vision", "dev");

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: `modelscope:acme/vision@${commit}` });

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ revision: commit, availableRevisions: ["master", "dev", "v1.0"] });
    expect(setup.modelscope.requestsTo("api", "/api/v1/models/acme/vision/commits")).toEqual([]);
  });

  it.each([
    ["modelscope:vision", "ids have exactly one `/`, between the owner and the name"],
    ["modelscope:acme/vision/extra", "ids have exactly one `/`, between the owner and the name"],
    ["modelscope:acme/vi%3Fsion", "ids use only letters, digits, `-`, `_` and `.` (and one `/`)"],
    ["modelscope:acme/..", "the owner and the name each start and end with a letter, digit or `_`"],
    ["modelscope:acme/vision@a..b", "revisions contain no `..` or `//`"],
    ["modelscope:acme/vision@v1%3Fx", "revisions contain no whitespace and none of ~ ^ : ? * [ ] \\"],
  ])("refuses %s before any request: %s", async (ref, rule) => {
    const setup = await startModelScopeGateway({ repos: [VISION] });

    const { errors } = await setup.gateway.graphql(MODEL, { ref });

    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(errors?.[0]?.message).toContain(rule);
    expect(setup.modelscope.requests).toEqual([]);
  });

  it("serves info from the database without asking ModelScope for MODELSCOPE_CACHE_TTL_SECONDS", async () => {
    const setup = await startModelScopeGateway({ repos: [VISION] }, { MODELSCOPE_CACHE_TTL_SECONDS: "3600" });
    const first = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision" });
    const asked = setup.modelscope.requests.length;

    const again = await setup.gateway.graphql(MODEL, { ref: "modelscope:acme/vision" });

    expect(asked).toBeGreaterThan(0);
    expect(setup.modelscope.requests.length).toBe(asked);
    expect(again.data).toEqual(first.data);
  });

  it("serves its stored copy, flagged stale, when ModelScope cannot be reached", async () => {
    const setup = await startModelScopeGateway({ repos: [VISION] }, { MODELSCOPE_CACHE_TTL_SECONDS: "0" });
    const first = await setup.gateway.graphql<{ model: Record<string, unknown> }>(MODEL, {
      ref: "modelscope:acme/vision",
    });
    await setup.modelscope.close();

    const down = await setup.gateway.graphql<{ model: Record<string, unknown> }>(MODEL, {
      ref: "modelscope:acme/vision",
    });

    expect(down.errors).toBeUndefined();
    expect(down.data?.model).toEqual({ ...first.data?.model, stale: true });
  });
});
