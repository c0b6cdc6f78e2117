import { createHash } from "node:crypto";

/** One version of a registered model in the fake MLflow server. */
export interface FakeMlflowVersion {
  version: number;
  status?: "READY" | "PENDING_REGISTRATION" | "FAILED_REGISTRATION";
  statusMessage?: string;
  /**
   * How the version was registered, which decides its `source`: from the artifact proxy
   * (`mlflow-artifacts:/1/<run>/artifacts/model`, the default), from its run (`runs:/<run>/model`,
   * resolved with runs/get), from an MLflow 3 logged model (`models:/m-<run>`, resolved with
   * get-download-uri), or any other URI (`s3://...`), whose files the server does not hold.
   */
  source?: "artifacts" | "runs" | "logged-model" | { uri: string };
  runId?: string;
  /** Its artifacts, by path under the version's location. */
  files?: Record<string, string | Uint8Array>;
  aliases?: string[];
  tags?: Record<string, string>;
  userId?: string;
  description?: string;
  stage?: string;
  lastUpdated?: number;
}

export interface FakeMlflowModel {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  lastUpdated?: number;
  versions?: FakeMlflowVersion[];
}

/** A version with its source and where its files lie under the artifact proxy (null: not on the proxy). */
export interface VersionState {
  spec: FakeMlflowVersion;
  runId: string;
  source: string;
  location: string | null;
}

export const EXPERIMENT = "1";

/** The run id a version gets by default: 32 hex digits, as MLflow makes them. */
export function runIdOf(name: string, version: number): string {
  return createHash("md5").update(`${name}/${version}`).digest("hex");
}

export function versionState(model: FakeMlflowModel, spec: FakeMlflowVersion): VersionState {
  const runId = spec.runId ?? runIdOf(model.name, spec.version);
  const how = spec.source ?? "artifacts";
  if (typeof how === "object") return { spec, runId, source: how.uri, location: null };
  if (how === "runs")
    return { spec, runId, source: `runs:/${runId}/model`, location: `${EXPERIMENT}/${runId}/artifacts/model` };
  if (how === "logged-model") {
    return { spec, runId, source: `models:/m-${runId}`, location: `${EXPERIMENT}/models/m-${runId}/artifacts` };
  }
  const location = `${EXPERIMENT}/${runId}/artifacts/model`;
  return { spec, runId, source: `mlflow-artifacts:/${location}`, location };
}

/** ModelVersion as MLflow's server writes it: int64 as numbers, unset fields and empty lists left out. */
export function versionJson(model: FakeMlflowModel, state: VersionState): Record<string, unknown> {
  const { spec } = state;
  const updated = spec.lastUpdated ?? 1_700_000_000_000 + spec.version * 1000;
  return omitEmpty({
    name: model.name,
    version: String(spec.version),
    creation_timestamp: updated - 500,
    last_updated_timestamp: updated,
    user_id: spec.userId,
    current_stage: spec.stage ?? "None",
    description: spec.description ?? "",
    source: state.source,
    run_id: state.runId,
    status: spec.status ?? "READY",
    status_message: spec.statusMessage,
    tags: tagsJson(spec.tags),
    run_link: "",
    aliases: spec.aliases,
  });
}

/** RegisteredModel: its latest version per stage, tags and aliases. */
export function registeredModelJson(model: FakeMlflowModel, states: VersionState[]): Record<string, unknown> {
  const latest = new Map<string, VersionState>();
  for (const state of states) {
    const stage = state.spec.stage ?? "None";
    if ((latest.get(stage)?.spec.version ?? -1) < state.spec.version) latest.set(stage, state);
  }
  return omitEmpty({
    name: model.name,
    creation_timestamp: 1_600_000_000_000,
    last_updated_timestamp: model.lastUpdated ?? 1_700_000_000_000,
    description: model.description,
    latest_versions: [...latest.values()].map((state) => versionJson(model, state)),
    tags: tagsJson(model.tags),
    aliases: states.flatMap((state) =>
      (state.spec.aliases ?? []).map((alias) => ({ alias, version: String(state.spec.version) })),
    ),
  });
}

function tagsJson(tags: Record<string, string> | undefined) {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

function omitEmpty(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)),
  );
}

/** An MLmodel file as mlflow.onnx.save_model writes it, with a tensor signature. */
export function onnxMlmodel(options: { inputs?: unknown[]; outputs?: unknown[]; runId?: string } = {}): string {
  const signature = (specs: unknown[] | undefined) => (specs ? `'${JSON.stringify(specs)}'` : "null");
  return [
    "artifact_path: model",
    "flavors:",
    "  onnx:",
    "    code: null",
    "    data: model.onnx",
    "    onnx_version: 1.16.2",
    "    providers:",
    "    - CUDAExecutionProvider",
    "    - CPUExecutionProvider",
    "  python_function:",
    "    data: model.onnx",
    "    env:",
    "      conda: conda.yaml",
    "      virtualenv: python_env.yaml",
    "    loader_module: mlflow.onnx",
    "    python_version: 3.11.9",
    "mlflow_version: 2.17.2",
    "model_size_bytes: 1234",
    "model_uuid: 0f6c4e1f9a2b4c8d9e0f1a2b3c4d5e6f",
    `run_id: ${options.runId ?? "0123456789abcdef0123456789abcdef"}`,
    "signature:",
    `  inputs: ${signature(options.inputs)}`,
    `  outputs: ${signature(options.outputs)}`,
    "  params: null",
    "utc_time_created: '2024-11-05 10:00:00.000000'",
    "",
  ].join("\n");
}

/** A tensor spec of an MLflow signature. */
export function tensorSpec(name: string | null, dtype: string, shape: number[]) {
  return { type: "tensor", "tensor-spec": { dtype, shape }, ...(name === null ? {} : { name }) };
}
