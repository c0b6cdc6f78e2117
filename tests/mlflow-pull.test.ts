import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { seededWeights } from "../src/onnx/build-model.js";
import { runIdOf } from "./helpers/fake-mlflow-models.js";
import { sha256 } from "./helpers/fake-pull-registry.js";
import { FRAUD, IRIS, IRIS_ONNX } from "./helpers/mlflow-fixtures.js";
import { startMlflowGateway } from "./helpers/mlflow-gateway.js";
import { pullModel, pullToEnd } from "./helpers/pulls.js";
import { runOk } from "./helpers/run-inference.js";

const TOKEN = { MLFLOW_TRACKING_TOKEN: "mlflow-token-1" };
const DOWNLOADS = "/api/2.0/mlflow-artifacts/artifacts/";

describe("pulling from an MLflow registry", () => {
  it("pulls mlflow:<name>@champion through the artifact proxy with the token, verifies it and fills the cache", async () => {
    const setup = await startMlflowGateway({ models: [IRIS], token: "mlflow-token-1" }, TOKEN);

    const pull = await pullToEnd(setup.gateway, "mlflow:Iris%20Classifier@champion", {
      files: ["MLmodel", "*.onnx"],
    });

    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: "2", errorCode: null });
    expect(pull.files.map((f) => [f.path, f.status, f.sizeBytes])).toEqual([
      ["MLmodel", "VERIFIED", expect.any(Number)],
      ["metadata/MLmodel", "VERIFIED", expect.any(Number)],
      ["model.onnx", "VERIFIED", IRIS_ONNX.length],
    ]);
    const dir = join(setup.gateway.dataDir, "cache", "models--mlflow--Iris Classifier");
    const cached = await readFile(join(dir, "snapshots", "2", "model.onnx"));
    expect(sha256(cached)).toBe(sha256(Buffer.from(IRIS_ONNX)));
    expect(await readFile(join(dir, "blobs", sha256(Buffer.from(IRIS_ONNX))))).toEqual(cached);
    expect((await readFile(join(dir, "refs", "champion"), "utf8")).trim()).toBe("2");
    const root = `${DOWNLOADS}1/${runIdOf("Iris Classifier", 2)}/artifacts/model`;
    expect(new Set(setup.mlflow.requestsTo("mlflow", DOWNLOADS).map((r) => r.path))).toEqual(
      new Set([`${root}/MLmodel`, `${root}/metadata/MLmodel`, `${root}/model.onnx`]),
    );
    expect(setup.mlflow.requests.every((r) => r.authorization === "Bearer mlflow-token-1")).toBe(true);
  });

  it("follows a proxy's redirect of downloads to a storage host without sending it the token", async () => {
    const setup = await startMlflowGateway({ models: [IRIS], token: "mlflow-token-1", redirectDownloads: true }, TOKEN);

    const pull = await pullToEnd(setup.gateway, "mlflow:Iris%20Classifier@2");

    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: "2" });
    expect(pull.files.map((f) => [f.path, f.status])).toEqual([["model.onnx", "VERIFIED"]]);
    const storage = setup.mlflow.requestsTo("storage");
    expect(storage.map((r) => r.path.split("/").at(-1)).sort()).toEqual(["MLmodel", "model.onnx"]);
    expect(storage.every((r) => r.authorization === null)).toBe(true);
    expect(setup.mlflow.requestsTo("mlflow", DOWNLOADS).every((r) => r.authorization === "Bearer mlflow-token-1")).toBe(
      true,
    );
  });

  it("refuses a version still registering with MODEL_NOT_READY, and one in S3 with ARTIFACTS_UNREACHABLE", async () => {
    const setup = await startMlflowGateway({ models: [FRAUD] });

    const pending = await pullModel(setup.gateway, "mlflow:fraud-detector@2");
    const inS3 = await pullModel(setup.gateway, "mlflow:fraud-detector@1");

    expect(pending).toMatchObject({
      __typename: "GatewayError",
      code: "MODEL_NOT_READY",
      message:
        "Model mlflow:fraud-detector@2 cannot be pulled yet: version 2 is still being registered (PENDING_REGISTRATION); try again once it is READY.",
    });
    expect(inS3).toMatchObject({
      __typename: "GatewayError",
      code: "ARTIFACTS_UNREACHABLE",
      message: expect.stringContaining("registered from s3://ml-bucket/fraud/1/model"),
    });
    expect(setup.mlflow.requestsTo("mlflow", DOWNLOADS)).toEqual([]);
  });

  it("runs the MLflow ONNX model with the same outputs as a direct onnxruntime-node run", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });
    const features = seededWeights(2 * 4, 11);
    const direct = await ort.InferenceSession.create(IRIS_ONNX);
    const expected = (await direct.run({ x: new ort.Tensor("float32", features, [2, 4]) })).probabilities as ort.Tensor;
    await direct.release();

    const result = await runOk(setup.gateway, {
      model: "mlflow:Iris%20Classifier@champion",
      inputs: [{ name: "x", elementType: "FLOAT32", shape: [2, 4], data: Array.from(features) }],
    });

    expect(result.file).toBe("model.onnx");
    expect(result.outputs).toEqual([
      {
        name: "probabilities",
        elementType: "FLOAT32",
        shape: [2, 3],
        data: Array.from(expected.data as Float32Array),
        base64: null,
      },
    ]);
  });

  it("holds a version to the sha256 its first pull computed: bytes changed under it fail INTEGRITY_ERROR", async () => {
    const setup = await startMlflowGateway({ models: [IRIS], token: "mlflow-token-1" }, TOKEN);
    const first = await pullToEnd(setup.gateway, "mlflow:Iris%20Classifier@2", { files: ["*.onnx"] });

    // Same name, same version, same size: one byte differs.
    const tampered = Uint8Array.from(IRIS_ONNX);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff;
    setup.mlflow.setModel({
      ...IRIS,
      versions: IRIS.versions?.map((version) =>
        version.version === 2 ? { ...version, files: { ...version.files, "model.onnx": tampered } } : version,
      ),
    });
    const second = await pullToEnd(setup.gateway, "mlflow:Iris%20Classifier@2", { files: ["*.onnx"], force: true });

    expect(first.files[0]).toMatchObject({
      path: "model.onnx",
      status: "VERIFIED",
      sha256: sha256(Buffer.from(IRIS_ONNX)),
    });
    expect(second).toMatchObject({ status: "FAILED", errorCode: "INTEGRITY_ERROR" });
    expect(second.errorMessage).toMatch(`where ${sha256(Buffer.from(IRIS_ONNX))} was expected`);
  });
});
