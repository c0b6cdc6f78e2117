import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelManager } from "../src/registries/types.js";
import type { FakeModelScope, FakeModelScopeRepo } from "./helpers/fake-modelscope.js";
import { seededBytes, sha256 } from "./helpers/fake-pull-registry.js";
import { startModelScopeGateway } from "./helpers/modelscope-gateway.js";
import { pullToEnd } from "./helpers/pulls.js";
import type { TestApp } from "./helpers/test-app.js";

const GRAPH = seededBytes(120_000, 42);
const CONFIG = Buffer.from('{"framework":"onnx","task":"image-classification"}');
const REPOS: FakeModelScopeRepo[] = [
  {
    id: "acme/vision",
    branches: ["master"],
    tags: ["v1.0"],
    files: [
      { path: "README.md", content: "# Vision\n" },
      { path: "configuration.json", content: CONFIG },
      { path: "onnx/model.onnx", content: GRAPH },
    ],
  },
];
const TOKEN = "ms-granted";

function start() {
  return startModelScopeGateway({ repos: REPOS, tokens: [TOKEN] }, { MODELSCOPE_API_TOKEN: TOKEN });
}

const modelDir = (gateway: TestApp) => join(gateway.dataDir, "cache", "models--modelscope--acme--vision");
const storageGets = (modelscope: FakeModelScope) =>
  modelscope.downloadsOf("acme/vision", "onnx/model.onnx").filter((r) => r.server === "oss");

describe("pulling from ModelScope", () => {
  it("pulls every file at the resolved commit, verifies each sha256, and sends the token to ModelScope only, never to its storage", async () => {
    const { modelscope, gateway } = await start();

    const pull = await pullToEnd(gateway, "modelscope:acme/vision");

    const commit = modelscope.commitOf("acme/vision");
    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: commit, errorCode: null });
    expect(pull.files.map((f) => [f.path, f.status, f.sha256])).toEqual([
      ["configuration.json", "VERIFIED", sha256(CONFIG)],
      ["onnx/model.onnx", "VERIFIED", sha256(GRAPH)],
    ]);
    const snapshot = join(modelDir(gateway), "snapshots", commit);
    expect(await readFile(join(snapshot, "onnx/model.onnx"))).toEqual(GRAPH);
    expect(await readFile(join(snapshot, "configuration.json"))).toEqual(CONFIG);
    expect(await readlink(join(snapshot, "onnx/model.onnx"))).toBe(`../../../blobs/${sha256(GRAPH)}`);
    // Downloads ask ModelScope's file endpoint at the commit; the ONNX file is redirected to storage.
    const asked = modelscope
      .requestsTo("api", "/api/v1/models/acme/vision/repo")
      .filter((r) => r.query.has("FilePath"));
    expect(asked.map((r) => [r.query.get("FilePath"), r.query.get("Revision")])).toEqual(
      expect.arrayContaining([
        ["configuration.json", commit],
        ["onnx/model.onnx", commit],
      ]),
    );
    expect(modelscope.requestsTo("api").every((r) => r.cookie === `m_session_id=${TOKEN}`)).toBe(true);
    expect(modelscope.requestsTo("api").every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(storageGets(modelscope).length).toBeGreaterThan(0);
    expect(modelscope.requestsTo("oss").map((r) => [r.authorization, r.cookie])).toEqual(
      modelscope.requestsTo("oss").map(() => [null, null]),
    );
  });

  it("pulls a tag at the commit it points at", async () => {
    const { modelscope, gateway } = await start();

    const pull = await pullToEnd(gateway, "modelscope:acme/vision@v1.0", { files: ["*.json"] });

    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: modelscope.commitOf("acme/vision", "v1.0") });
    expect(await readFile(join(modelDir(gateway), "refs", "v1.0"), "utf8")).toBe(
      modelscope.commitOf("acme/vision", "v1.0"),
    );
  });

  it("fails with INTEGRITY_ERROR on a corrupted byte and keeps nothing of the file", async () => {
    const { modelscope, gateway } = await start();
    modelscope.faultDownload("acme/vision", "onnx/model.onnx", { corrupt: true });

    const pull = await pullToEnd(gateway, "modelscope:acme/vision", { files: ["*.onnx"] });

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(pull.errorMessage).toMatch(/onnx\/model\.onnx of modelscope:acme\/vision failed verification \(sha256/);
    // Nothing of the model is left: its folder went with the failure (the cache itself remains).
    expect(await readdir(join(modelDir(gateway), ".."))).toEqual([]);
  });

  it("resumes a cut connection with a Range request from the last byte on disk", async () => {
    const { modelscope, gateway } = await start();
    modelscope.faultDownload("acme/vision", "onnx/model.onnx", { cutAfter: [50_000] });

    const pull = await pullToEnd(gateway, "modelscope:acme/vision", { files: ["*.onnx"] });

    expect(pull).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    expect(storageGets(modelscope).map((r) => r.range)).toEqual([null, "bytes=50000-"]);
    expect(
      await readFile(join(modelDir(gateway), "snapshots", modelscope.commitOf("acme/vision"), "onnx/model.onnx")),
    ).toEqual(GRAPH);
  });

  it("retries a download that ModelScope's storage answers with a 5xx", async () => {
    const { modelscope, gateway } = await start();
    modelscope.faultDownload("acme/vision", "onnx/model.onnx", { statuses: [503] });

    const pull = await pullToEnd(gateway, "modelscope:acme/vision", { files: ["*.onnx"] });

    expect(pull).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    expect(storageGets(modelscope)).toHaveLength(2);
  });

  it("answers FILE_NOT_FOUND before any download for a file ModelScope does not list", async () => {
    const { modelscope, gateway } = await start();
    const manager = gateway.app.services.registries.get("modelscope") as ModelManager;
    const ref = { registry: "modelscope", id: "acme/vision", revision: modelscope.commitOf("acme/vision") };

    const missing = manager.resolveDownload(
      ref,
      { path: "nope.onnx", sizeBytes: null, sha256: null },
      AbortSignal.timeout(5_000),
    );
    const found = await manager.resolveDownload(
      ref,
      { path: "onnx/model.onnx", sizeBytes: null, sha256: null },
      AbortSignal.timeout(5_000),
    );

    await expect(missing).rejects.toMatchObject({
      code: "FILE_NOT_FOUND",
      message: `Model modelscope:acme/vision@${ref.revision} has no file "nope.onnx".`,
    });
    expect(found).toEqual({
      url: `${modelscope.url}/api/v1/models/acme/vision/repo?Revision=${ref.revision}&FilePath=onnx%2Fmodel.onnx`,
      headers: { authorization: `Bearer ${TOKEN}`, cookie: `m_session_id=${TOKEN}` },
      sizeBytes: GRAPH.length,
      sha256: sha256(GRAPH),
    });
    // Both were answered from one file list (files at a commit never change), and nothing was downloaded.
    expect(modelscope.requestsTo("api", "/api/v1/models/acme/vision/repo/files")).toHaveLength(1);
    expect(modelscope.requestsTo("oss")).toEqual([]);
  });
});
