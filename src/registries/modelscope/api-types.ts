import { z } from "zod";
import { RegistryUnavailable } from "../../domain/errors.js";

/**
 * ModelScope's JSON, as far as the gateway reads it ("Api*": converted to domain types where they
 * enter). Two surfaces answer: the `/api/v1` API, whose envelope is `{Code, Data, Message,
 * RequestId, Success}` with PascalCase fields, and the `/openapi/v1` API (search), whose envelope
 * is `{success, data, message, request_id}` with snake_case fields. Every field the gateway does
 * not need to find its way is optional: the site adds and drops fields without notice.
 */

/** A time as ModelScope writes it: Unix seconds (milliseconds in places) or an ISO string. */
const ApiTime = z.union([z.number(), z.string()]).nullish();

/** `GET /api/v1/models/{owner}/{name}`: the model's page data. */
export const ApiModelSchema = z.object({
  Name: z.string().nullish(),
  /** The owner (user or organisation), which ModelScope calls the model's path. */
  Path: z.string().nullish(),
  ChineseName: z.string().nullish(),
  Description: z.string().nullish(),
  License: z.string().nullish(),
  Downloads: z.number().nullish(),
  Stars: z.number().nullish(),
  Likes: z.number().nullish(),
  CreatedTime: ApiTime,
  LastUpdatedTime: ApiTime,
  /** 1 private, 3 internal (signed-in users), 5 public. */
  Visibility: z.number().nullish(),
  Tasks: z.array(z.union([z.string(), z.object({ Name: z.string() })])).nullish(),
  Tags: z.array(z.union([z.string(), z.object({ Name: z.string() })])).nullish(),
});
export type ApiModel = z.infer<typeof ApiModelSchema>;

/** One branch or tag of `GET /api/v1/models/{owner}/{name}/revisions`. */
const ApiRevisionSchema = z.object({
  Revision: z.string().min(1),
  CreatedAt: ApiTime,
  /** The commit a tag points at, where ModelScope says. */
  CommitId: z.string().nullish(),
});
export type ApiRevision = z.infer<typeof ApiRevisionSchema>;

export const ApiRevisionsSchema = z.object({
  RevisionMap: z.object({
    Branches: z.array(ApiRevisionSchema).nullish(),
    Tags: z.array(ApiRevisionSchema).nullish(),
  }),
});

/** `GET /api/v1/models/{owner}/{name}/commits?Ref=…`: the newest commit first. */
export const ApiCommitsSchema = z.object({
  Commit: z.array(z.object({ Id: z.string().min(1) })).nullish(),
});

/** One entry of `GET /api/v1/models/{owner}/{name}/repo/files?Recursive=True`. */
const ApiRepoFileSchema = z.object({
  Name: z.string().nullish(),
  Path: z.string().min(1),
  /** "blob" for a file, "tree" for a folder. */
  Type: z.string(),
  Size: z.number().nullish(),
  /** Every file's sha256, small files' too. */
  Sha256: z.string().nullish(),
  IsLFS: z.boolean().nullish(),
});
export type ApiRepoFile = z.infer<typeof ApiRepoFileSchema>;

export const ApiRepoFilesSchema = z.object({ Files: z.array(ApiRepoFileSchema).nullish() });

/** One model of `GET /openapi/v1/models`. */
const ApiListedModelSchema = z.object({
  /** `owner/name`. */
  id: z.string().min(1),
  display_name: z.string().nullish(),
  description: z.string().nullish(),
  downloads: z.number().nullish(),
  likes: z.number().nullish(),
  last_modified: ApiTime,
  created_at: ApiTime,
  license: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  tasks: z.array(z.union([z.string(), z.object({ name: z.string() })])).nullish(),
  file_size: z.number().nullish(),
  private: z.boolean().nullish(),
  gated: z.boolean().nullish(),
});
export type ApiListedModel = z.infer<typeof ApiListedModelSchema>;

/**
 * The `data` of `GET /openapi/v1/models`: one page, and how many there are in all (under the
 * PascalCase names too, which ModelScope's SDK also reads).
 */
export const ApiModelPageSchema = z.preprocess(
  (data) =>
    data !== null && typeof data === "object" && !("models" in data)
      ? {
          ...data,
          models: (data as { Models?: unknown }).Models,
          total_count: (data as { TotalCount?: unknown }).TotalCount,
        }
      : data,
  z.object({
    models: z.array(ApiListedModelSchema),
    total_count: z.number().int().nonnegative().nullish(),
  }),
);

/** Checks ModelScope's data against a schema; a mismatch means the endpoint is not speaking its API. */
export function parseApi<T>(schema: z.ZodType<T>, data: unknown, what: string, registry: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new RegistryUnavailable(registry, `its ${what} is not in ModelScope's format (${issue?.message}${where}).`);
}

/** A time of ModelScope's JSON as a Date: Unix seconds, milliseconds (past 1e12) or ISO text. */
export function apiDate(value: z.infer<typeof ApiTime>): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const date = typeof value === "number" ? new Date(value > 1e12 ? value : value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Names from a list ModelScope writes as strings or as `{Name}` objects (tasks, tags). */
export function apiNames(list: ReadonlyArray<string | { Name: string } | { name: string }> | null | undefined) {
  return (list ?? []).map((item) => (typeof item === "string" ? item : "Name" in item ? item.Name : item.name));
}
