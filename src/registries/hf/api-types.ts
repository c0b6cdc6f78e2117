import { z } from "zod";
import { RegistryUnavailable } from "../../domain/errors.js";

/**
 * The Hub's JSON, as far as the gateway reads it. Every field but the id may be missing (the Hub
 * leaves out what `expand` did not ask for, and mirrors lag behind), so all are optional.
 */
const ApiModelFields = {
  id: z.string().min(1),
  author: z.string().nullish(),
  private: z.boolean().nullish(),
  /** false, or how access requests are granted: "auto" or "manual". */
  gated: z.union([z.boolean(), z.string()]).nullish(),
  downloads: z.number().nullish(),
  likes: z.number().nullish(),
  lastModified: z.string().nullish(),
  pipeline_tag: z.string().nullish(),
  library_name: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
};

/** One entry of `GET /api/models`. */
export const ApiModelListSchema = z.array(z.object(ApiModelFields));
export type ApiModel = z.infer<typeof ApiModelListSchema>[number];

/** One file of `GET /api/models/{id}/revision/{rev}?blobs=true`; size and lfs only with blobs. */
const ApiSiblingSchema = z.object({
  rfilename: z.string().min(1),
  size: z.number().nullish(),
  lfs: z.object({ sha256: z.string(), size: z.number() }).nullish(),
});
export type ApiSibling = z.infer<typeof ApiSiblingSchema>;

/** `GET /api/models/{id}/revision/{rev}?blobs=true`. */
export const ApiModelInfoSchema = z.object({
  ...ApiModelFields,
  /** The commit the revision resolved to. */
  sha: z.string().nullish(),
  siblings: z.array(ApiSiblingSchema).nullish(),
  /** The model card's YAML header; licence may be one identifier or several. */
  cardData: z
    .object({
      license: z.union([z.string(), z.array(z.string())]).nullish(),
      description: z.string().nullish(),
    })
    .nullish(),
});
export type ApiModelInfo = z.infer<typeof ApiModelInfoSchema>;

/** Checks the Hub's JSON against a schema; a mismatch means the endpoint is not speaking the Hub API. */
export function parseApi<T>(schema: z.ZodType<T>, json: unknown, what: string, registry: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new RegistryUnavailable(registry, `its ${what} is not in the Hub's format (${issue?.message}${where}).`);
}
