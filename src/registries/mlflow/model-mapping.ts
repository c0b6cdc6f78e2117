import type { ModelFile, ModelFormat, ModelInfo, ModelRegistration, ModelSummary } from "../../domain/model.js";
import type { ApiModelVersion, ApiRegisteredModel, ApiTag } from "./api-types.js";
import type { MlmodelFacts } from "./mlmodel.js";
import { type ModelVersions, revisionsOf } from "./model-versions.js";

/** What turning MLflow's JSON into domain types needs besides the JSON. */
export interface MappingContext {
  registry: string;
  /** The tracking server's base URL, for links to its UI. */
  endpoint: string;
}

/** What the gateway read of a version's artifacts; null where it could not (or may not yet) read them. */
export interface VersionContent {
  files: ModelFile[];
  mlmodel: MlmodelFacts | null;
}

/** MLflow's own tags (mlflow.prompt.is_prompt...) describe its bookkeeping, not the model. */
const SYSTEM_TAG = /^mlflow\./;

/** The version with the highest number among those given (the latest of each stage, for a search result). */
export function latestOf(versions: readonly ApiModelVersion[] | null | undefined): ApiModelVersion | null {
  return [...(versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version))[0] ?? null;
}

/** Whether a registered model is an MLflow prompt (MLflow 3 keeps prompts in the registry), not a model. */
export function isPrompt(model: ApiRegisteredModel): boolean {
  return (model.tags ?? []).some((tag) => tag.key === "mlflow.prompt.is_prompt" && tag.value === "true");
}

/** A search result: the registered model's tags, task and licence, with its latest version's facts. */
export function toSummary(
  model: ApiRegisteredModel,
  latest: ApiModelVersion | null,
  format: ModelFormat,
  context: MappingContext,
): ModelSummary {
  const tags = model.tags ?? [];
  return {
    registry: context.registry,
    id: model.name,
    name: model.name,
    author: latest?.user_id || model.user_id || null,
    description: model.description || latest?.description || null,
    task: tagValue(tags, "task"),
    tags: tags
      .filter((tag) => !SYSTEM_TAG.test(tag.key))
      .map((tag) => (tag.value ? `${tag.key}:${tag.value}` : tag.key)),
    format,
    license: tagValue(tags, "license") ?? tagValue(tags, "licence"),
    downloads: null,
    likes: null,
    updatedAt: timestamp(model.last_updated_timestamp ?? latest?.last_updated_timestamp),
    sizeBytes: null,
    pageUrl: `${context.endpoint}/#/models/${encodeURIComponent(model.name)}`,
  };
}

/** One version of a registered model, with its registration and what its MLmodel file says. */
export function toInfo(
  model: ApiRegisteredModel,
  version: ApiModelVersion,
  known: ModelVersions,
  content: VersionContent | null,
  context: MappingContext,
  brokenReason: string | null,
): ModelInfo {
  const mlmodel = content?.mlmodel ?? null;
  const summary = toSummary(model, version, mlmodel?.format ?? "OTHER", context);
  const files = content?.files ?? [];
  const sizes = files.map((file) => file.sizeBytes);
  return {
    ...summary,
    description: model.description || version.description || null,
    sizeBytes:
      content && sizes.every((size) => size !== null) ? sizes.reduce((sum, size) => sum + (size ?? 0), 0) : null,
    revision: version.version,
    files,
    inputs: mlmodel?.inputs ?? null,
    outputs: mlmodel?.outputs ?? null,
    opset: mlmodel?.opset ?? null,
    onnxVersion: mlmodel?.onnxVersion ?? null,
    availableRevisions: revisionsOf(known),
    registration: registrationOf(version),
    brokenReason,
    pageUrl: `${summary.pageUrl}/versions/${version.version}`,
  };
}

/** MLflow's ModelVersionStatus in the gateway's words; a status it does not know is taken as not ready. */
export function registrationOf(version: ApiModelVersion): ModelRegistration {
  const status = version.status ?? "READY";
  return {
    status: status === "READY" ? "READY" : status === "FAILED_REGISTRATION" ? "FAILED" : "PENDING",
    statusMessage: version.status_message || null,
    runId: version.run_id || null,
    source: version.source || null,
  };
}

/** Why a version cannot be pulled (MODEL_NOT_READY), or null when it is READY. */
export function notReadyReason(version: ApiModelVersion): string | null {
  const { status, statusMessage } = registrationOf(version);
  if (status === "READY") return null;
  if (status === "FAILED") {
    return `the registration of version ${version.version} failed${statusMessage ? ` (${statusMessage})` : ""}.`;
  }
  return `version ${version.version} is still being registered (${version.status ?? "PENDING_REGISTRATION"}); try again once it is READY.`;
}

function tagValue(tags: readonly ApiTag[], key: string): string | null {
  return tags.find((tag) => tag.key === key)?.value || null;
}

function timestamp(ms: number | null | undefined): Date | null {
  return typeof ms === "number" && ms > 0 ? new Date(ms) : null;
}
