import { describe, expect, it } from "vitest";
import { mlflowError } from "./helpers/fake-mlflow.js";
import { onnxMlmodel, runIdOf, tensorSpec } from "./helpers/fake-mlflow-models.js";
import { FRAUD, IRIS, IRIS_ONNX, onnxVersionFiles } from "./helpers/mlflow-fixtures.js";
import { startMlflowGateway } from "./helpers/mlflow-gateway.js";

const MODEL = `query Model($ref: String!) {
  model(ref: $ref) {
    ref name author description task tags format license sizeBytes revision pageUrl
    files { path sizeBytes sha256 }
    inputs { name elementType shape }
    outputs { name elementType shape }
    opset onnxVersion availableRevisions brokenReason
    registration { status statusMessage runId source }
  }
}`;

const REVISION = `query Model($ref: String!) { model(ref: $ref) { ref revision registration { status source } files { path } } }`;

const filesOf = (name: string, version: number) =>
  Object.entries(onnxVersionFiles(name, version))
    .map(([path, content]) => ({ path, sizeBytes: Buffer.byteLength(content), sha256: null }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));

describe("MLflow model info", () => {
  it("describes a version by its registered model, its registration and its MLmodel signature, before any download", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "mlflow:Iris%20Classifier@2" });

    expect(errors).toBeUndefined();
    const files = filesOf("Iris Classifier", 2);
    expect(data?.model).toEqual({
      ref: "mlflow:Iris%20Classifier@2",
      name: "Iris Classifier",
      author: "ana@example.com",
      description: "Classifies iris flowers from four measurements.",
      task: "tabular-classification",
      tags: ["task:tabular-classification", "license:apache-2.0", "team:botany"],
      format: "ONNX",
      license: "apache-2.0",
      sizeBytes: files.reduce((sum, file) => sum + file.sizeBytes, 0),
      revision: "2",
      pageUrl: `${setup.mlflow.url}/#/models/Iris%20Classifier/versions/2`,
      files,
      inputs: [{ name: "x", elementType: "FLOAT32", shape: ["?", 4] }],
      outputs: [{ name: "probabilities", elementType: "FLOAT32", shape: ["?", 3] }],
      opset: null,
      onnxVersion: "1.16.2",
      availableRevisions: ["1", "2", "3", "challenger", "champion"],
      brokenReason: null,
      registration: {
        status: "READY",
        statusMessage: null,
        runId: runIdOf("Iris Classifier", 2),
        source: `mlflow-artifacts:/1/${runIdOf("Iris Classifier", 2)}/artifacts/model`,
      },
    });
    const [get] = setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow/registered-models/get");
    expect(get?.method).toBe("GET");
    expect(get?.query.get("name")).toBe("Iris Classifier");
    expect(setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow-artifacts/artifacts/").map((r) => r.path)).toEqual([
      `/api/2.0/mlflow-artifacts/artifacts/1/${runIdOf("Iris Classifier", 2)}/artifacts/model/MLmodel`,
    ]);
  });

  it("resolves no revision to the highest version, an alias to its version, and answers REVISION_NOT_FOUND naming what there is", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });

    const latest = await setup.gateway.graphql(REVISION, { ref: "mlflow:Iris%20Classifier" });
    const champion = await setup.gateway.graphql(REVISION, { ref: "mlflow:Iris%20Classifier@champion" });
    const missing = await setup.gateway.graphql(REVISION, { ref: "mlflow:Iris%20Classifier@7" });
    const unknownAlias = await setup.gateway.graphql(REVISION, { ref: "mlflow:Iris%20Classifier@staging" });

    expect(latest.data?.model).toMatchObject({ ref: "mlflow:Iris%20Classifier", revision: "3" });
    expect(champion.data?.model).toMatchObject({ ref: "mlflow:Iris%20Classifier@champion", revision: "2" });
    for (const [response, revision] of [
      [missing, "7"],
      [unknownAlias, "staging"],
    ] as const) {
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: "REVISION_NOT_FOUND", registry: "mlflow" });
      expect(response.errors?.[0]?.message).toBe(
        `Model mlflow:Iris%20Classifier@${revision} has no revision "${revision}"; its versions are 1, 2, 3; its aliases are challenger, champion.`,
      );
    }
  });

  it("finds the artifacts of a runs:/ source through runs/get, and of a models:/ source through get-download-uri", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });
    const run1 = runIdOf("Iris Classifier", 1);
    const run3 = runIdOf("Iris Classifier", 3);

    const fromRun = await setup.gateway.graphql(REVISION, { ref: "mlflow:Iris%20Classifier@1" });
    const fromLoggedModel = await setup.gateway.graphql(REVISION, { ref: "mlflow:Iris%20Classifier@challenger" });

    const paths = filesOf("Iris Classifier", 1).map(({ path }) => ({ path }));
    expect(fromRun.data?.model).toEqual({
      ref: "mlflow:Iris%20Classifier@1",
      revision: "1",
      registration: { status: "READY", source: `runs:/${run1}/model` },
      files: paths,
    });
    expect(fromLoggedModel.data?.model).toEqual({
      ref: "mlflow:Iris%20Classifier@challenger",
      revision: "3",
      registration: { status: "READY", source: `models:/m-${run3}` },
      files: paths,
    });
    expect(setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow/runs/get").map((r) => r.query.get("run_id"))).toEqual([
      run1,
    ]);
    const download = setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow/model-versions/get-download-uri");
    expect(download.map((r) => [r.query.get("name"), r.query.get("version")])).toEqual([["Iris Classifier", "3"]]);
    expect(
      setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow-artifacts/artifacts").map((r) => r.query.get("path")),
    ).toContain(`1/models/m-${run3}/artifacts`);
  });

  it("describes a version still registering, and one whose artifacts are in S3 or outside the proxy, without failing", async () => {
    const setup = await startMlflowGateway({ models: [FRAUD] });

    const pending = await setup.gateway.graphql(MODEL, { ref: "mlflow:fraud-detector@2" });
    const inS3 = await setup.gateway.graphql(MODEL, { ref: "mlflow:fraud-detector@1" });
    const escaping = await setup.gateway.graphql(MODEL, { ref: "mlflow:fraud-detector@3" });

    expect(pending.errors).toBeUndefined();
    expect(pending.data?.model).toMatchObject({
      revision: "2",
      files: [],
      inputs: null,
      brokenReason: null,
      registration: { status: "PENDING", statusMessage: "Copying artifacts from the run." },
    });
    expect(inS3.errors).toBeUndefined();
    expect(inS3.data?.model).toMatchObject({
      revision: "1",
      files: [],
      registration: { status: "READY", source: "s3://ml-bucket/fraud/1/model" },
      brokenReason: expect.stringMatching(
        /^The files of mlflow:fraud-detector@1 cannot be read through the registry: version 1 was registered from s3:\/\/ml-bucket\/fraud\/1\/model/,
      ),
    });
    expect(escaping.data?.model).toMatchObject({
      files: [],
      brokenReason: expect.stringContaining('its artifact location /1/../../secrets has "." or ".." segments'),
    });
    expect(setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow-artifacts")).toEqual([]);
  });

  it("leaves inputs and outputs unknown for a column-based signature or unnamed tensors, and maps the flavour to the format", async () => {
    const columns = onnxMlmodel({
      inputs: [
        { type: "double", name: "sepal length (cm)", required: true },
        { type: "double", name: "sepal width (cm)", required: true },
      ],
      outputs: [tensorSpec(null, "int64", [-1])],
    });
    const pytorch =
      "flavors:\n  pytorch:\n    model_data: data\n    pytorch_version: 2.4.1\n  python_function:\n    loader_module: mlflow.pytorch\n";
    const setup = await startMlflowGateway({
      models: [
        { name: "tabular", versions: [{ version: 1, files: { MLmodel: columns, "model.onnx": IRIS_ONNX } }] },
        { name: "torch", versions: [{ version: 1, files: { MLmodel: pytorch, "data/model.pth": "weights" } }] },
      ],
    });

    const tabular = await setup.gateway.graphql(MODEL, { ref: "mlflow:tabular" });
    const torch = await setup.gateway.graphql(MODEL, { ref: "mlflow:torch" });

    expect(tabular.data?.model).toMatchObject({ format: "ONNX", inputs: null, outputs: null });
    expect(torch.data?.model).toMatchObject({ format: "PYTORCH", inputs: null, onnxVersion: null });
  });

  it("answers MODEL_NOT_FOUND for an unknown model, and BAD_USER_INPUT for a name MLflow refuses", async () => {
    const setup = await startMlflowGateway({ models: [IRIS] });
    setup.mlflow.failNext(
      (r) => r.query.get("name") === "bad*name",
      mlflowError(400, "INVALID_PARAMETER_VALUE", "Invalid model name: 'bad*name'"),
    );

    const unknown = await setup.gateway.graphql(REVISION, { ref: "mlflow:no-such-model" });
    const refused = await setup.gateway.graphql(REVISION, { ref: "mlflow:bad*name" });

    expect(unknown.errors?.[0]).toMatchObject({
      message: "Model mlflow:no-such-model was not found.",
      extensions: { code: "MODEL_NOT_FOUND", registry: "mlflow" },
    });
    expect(refused.errors?.[0]).toMatchObject({
      message: "Registry mlflow refused the reference mlflow:bad*name: Invalid model name: 'bad*name'",
      extensions: { code: "BAD_USER_INPUT", field: "ref" },
    });
  });
});
