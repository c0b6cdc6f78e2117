import { buildOnnxModel, seededWeights } from "../../src/onnx/build-model.js";
import type { FakeMlflowModel, FakeMlflowVersion } from "./fake-mlflow.js";
import { onnxMlmodel, runIdOf, tensorSpec } from "./fake-mlflow-models.js";

/** A small classifier as an MLflow ONNX model would hold it: [batch, 4] features → [batch, 3] probabilities. */
export const IRIS_ONNX = buildOnnxModel({
  graphName: "iris",
  inputs: [{ name: "x", elementType: "FLOAT32", shape: ["batch", 4] }],
  outputs: [{ name: "probabilities", elementType: "FLOAT32", shape: ["batch", 3] }],
  initializers: [{ name: "W", elementType: "FLOAT32", dims: [4, 3], data: seededWeights(12, 7) }],
  nodes: [
    { op: "MatMul", inputs: ["x", "W"], outputs: ["logits"] },
    { op: "Softmax", inputs: ["logits"], outputs: ["probabilities"] },
  ],
});

/** The files mlflow.onnx.log_model writes for a model, with its tensor signature in MLmodel. */
export function onnxVersionFiles(name: string, version: number): Record<string, string | Uint8Array> {
  const mlmodel = onnxMlmodel({
    runId: runIdOf(name, version),
    inputs: [tensorSpec("x", "float32", [-1, 4])],
    outputs: [tensorSpec("probabilities", "float32", [-1, 3])],
  });
  return {
    MLmodel: mlmodel,
    "model.onnx": IRIS_ONNX,
    "conda.yaml": "name: mlflow-env\ndependencies:\n- python=3.11.9\n",
    "python_env.yaml": "python: 3.11.9\n",
    "requirements.txt": "mlflow==2.17.2\nonnx==1.16.2\nonnxruntime==1.19.2\n",
    "metadata/MLmodel": mlmodel,
    "metadata/requirements.txt": "mlflow==2.17.2\n",
  };
}

function onnxVersion(name: string, version: number, extra: Partial<FakeMlflowVersion> = {}): FakeMlflowVersion {
  return { version, files: onnxVersionFiles(name, version), userId: "ana@example.com", ...extra };
}

/**
 * "Iris Classifier" (a name with a space): version 1 registered from its run (runs:/), version 2
 * from the artifact proxy with the alias `champion`, version 3 an MLflow 3 logged model (models:/).
 */
export const IRIS: FakeMlflowModel = {
  name: "Iris Classifier",
  description: "Classifies iris flowers from four measurements.",
  tags: { task: "tabular-classification", license: "apache-2.0", team: "botany", "mlflow.owner": "ana" },
  lastUpdated: Date.UTC(2025, 2, 1),
  versions: [
    onnxVersion("Iris Classifier", 1, { source: "runs" }),
    onnxVersion("Iris Classifier", 2, { aliases: ["champion"], stage: "Production", description: "Retrained." }),
    onnxVersion("Iris Classifier", 3, { source: "logged-model", aliases: ["challenger"] }),
  ],
};

/** Versions that cannot be pulled: one whose artifacts are in S3, one still registering, one outside the proxy. */
export const FRAUD: FakeMlflowModel = {
  name: "fraud-detector",
  tags: { task: "tabular-classification" },
  versions: [
    onnxVersion("fraud-detector", 1, { source: { uri: "s3://ml-bucket/fraud/1/model" } }),
    onnxVersion("fraud-detector", 2, {
      status: "PENDING_REGISTRATION",
      statusMessage: "Copying artifacts from the run.",
    }),
    onnxVersion("fraud-detector", 3, { source: { uri: "mlflow-artifacts:/1/../../secrets" } }),
  ],
};
