import { z } from "zod";
import { RegistryUnavailable } from "../../domain/errors.js";

/**
 * The OCI Distribution API's JSON (and the config blobs of the model formats it carries), as far
 * as the gateway reads it. Unknown fields are ignored; what a registry leaves out stays optional.
 */

export const MEDIA_TYPES = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
} as const;

/** Every manifest type the gateway reads, for the Accept header of a manifest request. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerList,
].join(", ");

const annotations = z.record(z.string(), z.string()).nullish();

/** A content descriptor: what a manifest says of a blob or of another manifest. */
const ApiDescriptorSchema = z.object({
  mediaType: z.string().default("application/octet-stream"),
  digest: z.string().regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, { error: "is not a digest" }),
  size: z.number().int().nonnegative(),
  annotations,
  /** Ollama's tensor and JSON layers name the file they hold. */
  name: z.string().nullish(),
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().nullish() }).nullish(),
});
export type ApiDescriptor = z.infer<typeof ApiDescriptorSchema>;

/** An OCI image manifest or a Docker image manifest v2 (the same shape). */
export const ApiImageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().nullish(),
  artifactType: z.string().nullish(),
  config: ApiDescriptorSchema,
  layers: z.array(ApiDescriptorSchema),
  annotations,
});
export type ApiImageManifest = z.infer<typeof ApiImageManifestSchema>;

/** An OCI image index or a Docker manifest list: manifests for several platforms (or artifacts). */
export const ApiIndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().nullish(),
  manifests: z.array(ApiDescriptorSchema),
});
export type ApiIndex = z.infer<typeof ApiIndexSchema>;

/** `GET /v2/<name>/tags/list`. */
export const ApiTagListSchema = z.object({ name: z.string(), tags: z.array(z.string()).nullish() });

/** `GET /v2/_catalog`. */
export const ApiCatalogSchema = z.object({ repositories: z.array(z.string()).nullish() });

/** A token service's answer (Docker's token authentication specification). */
export const ApiTokenSchema = z
  .object({
    token: z.string().min(1).nullish(),
    access_token: z.string().min(1).nullish(),
    /** Seconds; the specification's default is 60. */
    expires_in: z.number().nullish(),
    issued_at: z.string().nullish(),
  })
  .refine((value) => value.token || value.access_token, { error: "names no token" });

/** The body of an error answer: `{"errors":[{"code","message","detail"}]}`. */
export const ApiErrorsSchema = z.object({
  errors: z.array(z.object({ code: z.string(), message: z.string().nullish() })),
});

/** Ollama's model config blob (types/model ConfigV2). */
export const ApiOllamaConfigSchema = z.object({
  model_format: z.string().nullish(),
  model_family: z.string().nullish(),
  model_families: z.array(z.string()).nullish(),
  /** The parameter size ("8.0B"). */
  model_type: z.string().nullish(),
  /** The quantization ("Q4_K_M"). */
  file_type: z.string().nullish(),
  context_length: z.number().nullish(),
});
export type ApiOllamaConfig = z.infer<typeof ApiOllamaConfigSchema>;

/** A CNCF ModelPack model config (application/vnd.cncf.model.config.v1+json). */
export const ApiModelPackConfigSchema = z.object({
  descriptor: z
    .object({
      createdAt: z.string().nullish(),
      authors: z.array(z.string()).nullish(),
      vendor: z.string().nullish(),
      family: z.string().nullish(),
      name: z.string().nullish(),
      description: z.string().nullish(),
      licenses: z.array(z.string()).nullish(),
    })
    .nullish(),
  config: z
    .object({
      architecture: z.string().nullish(),
      format: z.string().nullish(),
      paramSize: z.string().nullish(),
      precision: z.string().nullish(),
      quantization: z.string().nullish(),
    })
    .nullish(),
});
export type ApiModelPackConfig = z.infer<typeof ApiModelPackConfigSchema>;

/** Checks a registry's JSON against a schema; a mismatch means it is not speaking the OCI API. */
export function parseApi<T>(schema: z.ZodType<T>, json: unknown, what: string, registry: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new RegistryUnavailable(registry, `its ${what} is not in the OCI format (${issue?.message}${where}).`);
}

/** Parses a body as JSON, or fails as a registry that answered something else. */
export function parseJson(body: Buffer | string, what: string, registry: string): unknown {
  try {
    return JSON.parse(body.toString());
  } catch {
    throw new RegistryUnavailable(registry, `it answered its ${what} with malformed JSON.`);
  }
}
