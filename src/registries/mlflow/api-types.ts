import { z } from "zod";
import { RegistryUnavailable } from "../../domain/errors.js";

/**
 * MLflow's REST JSON (API 2.0), as far as the gateway reads it, from mlflow/protos
 * (model_registry.proto, service.proto, mlflow_artifacts.proto). The server writes proto2
 * messages with their field names and leaves out unset fields and empty lists, so every field is
 * optional. int64 fields are JSON numbers from MLflow's own server, strings from a strict proto3
 * JSON writer: both are read.
 */
const int64 = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const ApiTagSchema = z.object({ key: z.string(), value: z.string().nullish() });
export type ApiTag = z.infer<typeof ApiTagSchema>;

/** ModelVersionStatus. */
export const VERSION_STATUSES = ["PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY"] as const;

/** ModelVersion. */
export const ApiModelVersionSchema = z.object({
  name: z.string(),
  version: z.string().regex(/^\d+$/),
  creation_timestamp: int64.nullish(),
  last_updated_timestamp: int64.nullish(),
  user_id: z.string().nullish(),
  current_stage: z.string().nullish(),
  description: z.string().nullish(),
  source: z.string().nullish(),
  run_id: z.string().nullish(),
  // Unknown future statuses are kept as text and treated as not ready.
  status: z.string().nullish(),
  status_message: z.string().nullish(),
  tags: z.array(ApiTagSchema).nullish(),
  run_link: z.string().nullish(),
  aliases: z.array(z.string()).nullish(),
});
export type ApiModelVersion = z.infer<typeof ApiModelVersionSchema>;

/** RegisteredModel. */
export const ApiRegisteredModelSchema = z.object({
  name: z.string().min(1),
  creation_timestamp: int64.nullish(),
  last_updated_timestamp: int64.nullish(),
  user_id: z.string().nullish(),
  description: z.string().nullish(),
  /** The latest version of each stage. */
  latest_versions: z.array(ApiModelVersionSchema).nullish(),
  tags: z.array(ApiTagSchema).nullish(),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).nullish(),
});
export type ApiRegisteredModel = z.infer<typeof ApiRegisteredModelSchema>;

/** SearchRegisteredModels.Response. */
export const ApiRegisteredModelPageSchema = z.object({
  registered_models: z.array(ApiRegisteredModelSchema).nullish(),
  next_page_token: z.string().nullish(),
});

/** GetRegisteredModel.Response. */
export const ApiGetRegisteredModelSchema = z.object({ registered_model: ApiRegisteredModelSchema });

/** SearchModelVersions.Response. */
export const ApiModelVersionPageSchema = z.object({
  model_versions: z.array(ApiModelVersionSchema).nullish(),
  next_page_token: z.string().nullish(),
});

/** GetModelVersion.Response and GetModelVersionByAlias.Response. */
export const ApiGetModelVersionSchema = z.object({ model_version: ApiModelVersionSchema });

/** GetModelVersionDownloadUri.Response. */
export const ApiDownloadUriSchema = z.object({ artifact_uri: z.string().min(1) });

/** GetRun.Response (service.proto), only the run's artifact root. */
export const ApiGetRunSchema = z.object({
  run: z.object({ info: z.object({ artifact_uri: z.string().min(1) }) }),
});

/** ListArtifacts.Response of the artifact proxy (mlflow_artifacts.proto); paths are names within the listed folder. */
export const ApiArtifactListSchema = z.object({
  files: z
    .array(z.object({ path: z.string().min(1), is_dir: z.boolean().nullish(), file_size: int64.nullish() }))
    .nullish(),
});
export type ApiArtifactList = z.infer<typeof ApiArtifactListSchema>;

/** MLflow's error body: {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}. */
export const ApiErrorSchema = z.object({ error_code: z.string(), message: z.string().nullish() });

/** Checks MLflow's JSON against a schema; a mismatch means the endpoint is not speaking MLflow's API. */
export function parseApi<T>(schema: z.ZodType<T>, json: unknown, what: string, registry: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new RegistryUnavailable(registry, `its ${what} is not in MLflow's format (${issue?.message}${where}).`);
}
