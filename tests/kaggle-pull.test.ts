import { createHash } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FakeKaggleModel } from "./helpers/fake-kaggle.js";
import { startKaggleGateway } from "./helpers/kaggle-gateway.js";
import { pullToEnd } from "./helpers/pulls.js";

const USER = { username: "ada", key: "0123456789abcdef", token: "KGAT_ada" };
const WEIGHTS = Buffer.from("tflite weights ".repeat(4_000));
const LABELS = Buffer.from("cat\ndog\n");

const MOBILENET: FakeKaggleModel = {
  owner: "google",
  slug: "mobilenet-v2",
  instances: [
    {
      framework: "tfLite",
      slug: "100-224-classification",
      licenseName: "Apache 2.0",
      versions: [
        [{ name: "1.tflite", content: "first weights" }],
        [
          { name: "1.tflite", content: WEIGHTS },
          { name: "assets/labels.txt", content: LABELS },
        ],
      ],
    },
  ],
};

const REF = "kaggle:google/mobilenet-v2/tfLite/100-224-classification";
const FOLDER = "models--kaggle--google--mobilenet-v2--tfLite--100-224-classification";
const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

describe("pulling from Kaggle", () => {
  it("pulls the current version through Kaggle's redirect to its storage, checks sizes and fills the cache, the token going to the API only", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET], users: [USER] }, { KAGGLE_API_TOKEN: USER.token });
    const { kaggle, gateway } = setup;

    const pull = await pullToEnd(gateway, REF);

    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: "2", bytesTotal: WEIGHTS.length + 8 });
    expect(pull.files.map((f) => [f.path, f.status, f.sizeBytes, f.sha256])).toEqual([
      ["1.tflite", "VERIFIED", WEIGHTS.length, sha256(WEIGHTS)],
      ["assets/labels.txt", "VERIFIED", LABELS.length, sha256(LABELS)],
    ]);
    const snapshot = join(gateway.dataDir, "cache", FOLDER, "snapshots", "2");
    expect(await readFile(join(snapshot, "1.tflite"))).toEqual(WEIGHTS);
    expect(await readFile(join(snapshot, "assets/labels.txt"))).toEqual(LABELS);

    const downloads = kaggle.calls("DownloadModelInstanceVersion");
    expect(downloads.map((d) => d.body)).toEqual(
      expect.arrayContaining(
        ["1.tflite", "assets/labels.txt"].map((path) => ({
          ownerSlug: "google",
          modelSlug: "mobilenet-v2",
          framework: "MODEL_FRAMEWORK_TF_LITE",
          instanceSlug: "100-224-classification",
          versionNumber: 2,
          path,
        })),
      ),
    );
    expect(
      kaggle.requests.every((r) => r.method === "POST" && r.headers.authorization === `Bearer ${USER.token}`),
    ).toBe(true);
    expect(kaggle.storage.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/kaggle-models-data/google/mobilenet-v2/tfLite/100-224-classification/2/1.tflite"]),
    );
    expect(kaggle.storage.requests.every((r) => r.method === "GET" && r.headers.authorization === undefined)).toBe(
      true,
    );
  });

  it("sends KAGGLE_USERNAME and KAGGLE_KEY as basic credentials to the API and never to the storage host", async () => {
    const setup = await startKaggleGateway(
      { models: [MOBILENET], users: [USER] },
      { KAGGLE_USERNAME: USER.username, KAGGLE_KEY: USER.key },
    );
    const { kaggle, gateway } = setup;

    const pull = await pullToEnd(gateway, `${REF}@1`);

    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: "1" });
    expect(await readFile(join(gateway.dataDir, "cache", FOLDER, "snapshots", "1", "1.tflite"), "utf8")).toBe(
      "first weights",
    );
    const basic = `Basic ${Buffer.from(`${USER.username}:${USER.key}`).toString("base64")}`;
    expect(kaggle.requests.length).toBeGreaterThan(0);
    expect(kaggle.requests.every((r) => r.headers.authorization === basic)).toBe(true);
    expect(kaggle.storage.requests.length).toBeGreaterThan(0);
    expect(kaggle.storage.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("pulls a public model anonymously when REGISTRIES names kaggle without credentials", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });

    const pull = await pullToEnd(setup.gateway, REF);

    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: "2" });
    expect(setup.kaggle.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("resumes a download the storage dropped with a Range request, through Kaggle's redirect again", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });
    setup.kaggle.storage.dropNextAfter(10_000);

    const pull = await pullToEnd(setup.gateway, REF, { files: ["1.tflite"] });

    expect(pull).toMatchObject({ status: "SUCCEEDED", files: [{ path: "1.tflite", sha256: sha256(WEIGHTS) }] });
    const weights = setup.kaggle.storage.requests.filter((r) => r.path.endsWith("/2/1.tflite"));
    expect(weights.map((r) => r.headers.range)).toEqual([undefined, expect.stringMatching(/^bytes=[1-9]\d*-$/)]);
    const asked = setup.kaggle.calls("DownloadModelInstanceVersion").filter((r) => r.body.path === "1.tflite");
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });

  it("checks the storage's own md5 (x-goog-hash): bytes damaged on the way fail INTEGRITY_ERROR, keeping nothing", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });
    setup.kaggle.storage.corruptNext();

    const pull = await pullToEnd(setup.gateway, REF, { files: ["1.tflite"] });

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(pull.errorMessage).toMatch(
      /1\.tflite of kaggle:.* failed verification \(md5 \S+ where the storage states \S+\)/,
    );
  });

  it("fails the pull with INTEGRITY_ERROR when the storage's bytes are not the size Kaggle lists, keeping nothing", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET] });
    const listed = { files: [{ name: "1.tflite", size: WEIGHTS.length + 1 }], nextPageToken: "" };
    setup.kaggle.failNext((r) => r.rpc === "ListModelInstanceVersionFiles", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(listed),
    });

    const pull = await pullToEnd(setup.gateway, REF);

    expect(pull).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(pull.errorMessage).toContain(`has ${WEIGHTS.length} bytes where the registry lists ${WEIGHTS.length + 1}`);
    const snapshot = join(setup.gateway.dataDir, "cache", FOLDER, "snapshots", "2", "1.tflite");
    await expect(access(snapshot)).rejects.toThrow();
  });
});
