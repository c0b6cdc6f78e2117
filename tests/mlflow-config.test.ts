import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { FakeMlflow } from "./helpers/fake-mlflow.js";
import { IRIS } from "./helpers/mlflow-fixtures.js";
import { startTestApp } from "./helpers/test-app.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref revision format } }`;

describe("MLflow registry configuration", () => {
  it("has a built-in mlflow instance only when MLFLOW_TRACKING_URI names an http(s) server", () => {
    const unset = loadConfig({});
    const set = loadConfig({
      MLFLOW_TRACKING_URI: "https://mlflow.example/team/",
      MLFLOW_TRACKING_TOKEN: "t0ken",
      MLFLOW_CACHE_TTL_SECONDS: "30",
    });

    expect(unset.registries.instances.map((i) => i.name)).not.toContain("mlflow");
    expect(set.registries.enabled).toContain("mlflow");
    expect(set.registries.instances.find((i) => i.name === "mlflow")).toEqual({
      name: "mlflow",
      kind: "mlflow",
      enabled: true,
      endpoint: "https://mlflow.example/team",
      credentials: { token: "t0ken", username: null, password: null },
      settings: { cacheTtlSeconds: 30, maxRetries: 3, retryBackoffMs: 500, retryBudgetMs: 5000 },
    });
    expect(() => loadConfig({ MLFLOW_TRACKING_URI: "file:./mlruns" })).toThrow(
      /MLFLOW_TRACKING_URI="file:.\/mlruns": must be the http\(s\) URL of an MLflow tracking server/,
    );
    expect(() => loadConfig({ MLFLOW_TRACKING_URI: "http://mlflow:5000", MLFLOW_CACHE_TTL_SECONDS: "-1" })).toThrow(
      /MLFLOW_CACHE_TTL_SECONDS="-1": must be at least 0/,
    );
  });

  it("serves a second MLflow server declared in REGISTRIES_FILE, with the token from the variable it names", async () => {
    const mlflow = await FakeMlflow.start({ models: [IRIS], token: "team-token" });
    const folder = await mkdtemp(join(tmpdir(), "mlflow-registries-"));
    const file = join(folder, "registries.yaml");
    await writeFile(
      file,
      `registries:
  - name: team-mlflow
    kind: mlflow
    endpoint: ${mlflow.url}
    credentials: { token: TEAM_MLFLOW_TOKEN }
    settings: { cacheTtlSeconds: 0, retryBackoffMs: 5 }
`,
    );
    const gateway = await startTestApp({
      env: { REGISTRIES_FILE: file, REGISTRIES: "local,team-mlflow", TEAM_MLFLOW_TOKEN: "team-token" },
      onClose: () => rm(folder, { recursive: true, force: true }),
    });

    const { data, errors } = await gateway.graphql(MODEL, { ref: "team-mlflow:Iris%20Classifier@champion" });

    expect(errors).toBeUndefined();
    expect(data?.model).toEqual({ ref: "team-mlflow:Iris%20Classifier@champion", revision: "2", format: "ONNX" });
    expect(mlflow.requests.every((r) => r.authorization === "Bearer team-token")).toBe(true);
  });
});
