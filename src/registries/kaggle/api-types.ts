import { z } from "zod";
import { RegistryUnavailable } from "../../domain/errors.js";

/**
 * Kaggle's JSON for the Models API, as the Kaggle SDK reads it (kagglesdk/models/types): camelCase
 * field names, enums by name, int64 values as numbers or decimal strings (proto JSON). A field at
 * its default value may be left out, so every field is optional.
 */

const int64 = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number),
]);

/** ApiCategory: a tag. */
const ApiCategorySchema = z.object({
  ref: z.string().nullish(),
  name: z.string().nullish(),
  fullPath: z.string().nullish(),
});

/** ApiModelInstance: one framework and variation of a model, at its current version. */
export const ApiModelInstanceSchema = z.object({
  id: int64.nullish(),
  slug: z.string().nullish(),
  framework: z.string().nullish(),
  overview: z.string().nullish(),
  usage: z.string().nullish(),
  versionNumber: int64.nullish(),
  url: z.string().nullish(),
  licenseName: z.string().nullish(),
  totalUncompressedBytes: int64.nullish(),
});
export type ApiModelInstance = z.infer<typeof ApiModelInstanceSchema>;

/** ApiModel: GetModel's answer and one entry of ListModels. */
export const ApiModelSchema = z.object({
  id: int64.nullish(),
  /** `<owner>/<model>`. */
  ref: z.string().nullish(),
  title: z.string().nullish(),
  subtitle: z.string().nullish(),
  /** The owner's display name (the slug is the first part of `ref`). */
  author: z.string().nullish(),
  slug: z.string().nullish(),
  isPrivate: z.boolean().nullish(),
  description: z.string().nullish(),
  instances: z.array(ApiModelInstanceSchema).nullish(),
  tags: z.array(ApiCategorySchema).nullish(),
  publishTime: z.string().nullish(),
  url: z.string().nullish(),
  voteCount: int64.nullish(),
  updateTime: z.string().nullish(),
});
export type ApiModel = z.infer<typeof ApiModelSchema>;

/** ApiListModelsResponse. */
export const ApiListModelsResponseSchema = z.object({
  models: z.array(ApiModelSchema).nullish(),
  nextPageToken: z.string().nullish(),
  totalResults: int64.nullish(),
});

/** ApiListModelInstanceVersionsResponse: `versionList.versions` holds ModelInstanceVersion entries. */
export const ApiListModelInstanceVersionsResponseSchema = z.object({
  versionList: z
    .object({ versions: z.array(z.object({ versionNumber: int64.nullish(), url: z.string().nullish() })).nullish() })
    .nullish(),
  nextPageToken: z.string().nullish(),
});

/** ApiListModelInstanceVersionFilesResponse: ApiModelFile entries (name is the path in the version). */
export const ApiListModelInstanceVersionFilesResponseSchema = z.object({
  files: z
    .array(z.object({ name: z.string().min(1), size: int64.nullish(), creationDate: z.string().nullish() }))
    .nullish(),
  nextPageToken: z.string().nullish(),
});

/** What Kaggle answers a failed call with (and what the SDK checks even in a 200 answer). */
export const ApiErrorSchema = z.object({ code: z.number().int(), message: z.string().nullish() });

/** Checks Kaggle's JSON against a schema; a mismatch means the endpoint is not speaking Kaggle's API. */
export function parseApi<T>(schema: z.ZodType<T>, json: unknown, what: string, registry: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new RegistryUnavailable(registry, `its ${what} is not in Kaggle's format (${issue?.message}${where}).`);
}
