import { z } from "zod";
import { csv, integer, url } from "../../config/env-values.js";
import { defineKind, NO_CREDENTIALS } from "../registry-kind.js";
import { OciRegistry } from "./oci-registry.js";
import { isRepositoryName } from "./references.js";

export interface OciSettings {
  /** Added to one-segment ids: `library` makes `ollama:llama3.2` mean `library/llama3.2`. */
  namespace: string | null;
  /** The repositories searches look through, instead of the catalog (registries without one). */
  repositories: string[];
  /** Whether searches list `/v2/_catalog` when no repositories are configured. */
  catalog: boolean;
  /** Repositories asked for per catalog page (`n`). */
  catalogPageSize: number;
  /** `os/arch[/variant]` picked from an image index when it has no platform-less manifest. */
  platform: string | null;
  /** How long model info is served from the database without asking the registry. */
  cacheTtlSeconds: number;
  maxRetries: number;
  retryBackoffMs: number;
  retryBudgetMs: number;
}

/** The repositories the built-in `ollama` instance searches when OLLAMA_REGISTRY_MODELS is not set. */
export const DEFAULT_OLLAMA_MODELS = [
  "library/llama3.2",
  "library/llama3.1",
  "library/gemma3",
  "library/qwen2.5",
  "library/qwen3",
  "library/mistral",
  "library/phi4",
  "library/deepseek-r1",
  "library/nomic-embed-text",
  "library/llava",
];

const namespace = z
  .string()
  .refine(isRepositoryName, { error: "must be a repository path such as library or team/models" })
  .nullable()
  .default(null);

const settings = z
  .object({
    namespace,
    repositories: z.array(z.string()).default([]),
    catalog: z.boolean().default(true),
    catalogPageSize: integer(1, 1000, 100),
    platform: z
      .string()
      .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, { error: "must be os/arch or os/arch/variant (linux/amd64)" })
      .nullable()
      .default(null),
    cacheTtlSeconds: integer(0, 30 * 24 * 3600, 300),
    maxRetries: integer(0, 10, 3),
    retryBackoffMs: integer(1, 60_000, 500),
    retryBudgetMs: integer(0, 600_000, 5_000),
  })
  .superRefine((value, context) => {
    value.repositories.forEach((repository, index) => {
      const full = value.namespace && !repository.includes("/") ? `${value.namespace}/${repository}` : repository;
      if (!isRepositoryName(full)) {
        context.addIssue({
          code: "custom",
          path: ["repositories", index],
          message: `"${repository}" is not a repository name`,
        });
      }
    });
  });

const ollamaModels = z
  .string()
  .optional()
  .transform((value) => (value ? csv(value) : DEFAULT_OLLAMA_MODELS))
  .refine((names) => names.every((name) => isRepositoryName(name.includes("/") ? name : `library/${name}`)), {
    error: "must be comma-separated repository names such as library/llama3.2,library/qwen2.5",
  });

/**
 * Registries speaking the OCI Distribution API. The built-in `ollama` instance reads Ollama's
 * registry (OLLAMA_REGISTRY), enabled only when REGISTRIES names it; REGISTRIES_FILE declares
 * others (Harbor, Zot, GitHub's, a company `registry:2`) with kind `oci`.
 */
export const ociKind = defineKind({
  kind: "oci",
  environment: {
    OLLAMA_REGISTRY: url("https://registry.ollama.ai"),
    // Not OLLAMA_MODELS: Ollama itself reads that as its models folder.
    OLLAMA_REGISTRY_MODELS: ollamaModels,
  },
  secrets: [],
  settings: settings as z.ZodType<OciSettings>,
  endpointType: "url",
  defaultEndpoint: null,
  builtIn: (env) => ({
    name: "ollama",
    kind: "oci",
    enabled: false,
    endpoint: env.OLLAMA_REGISTRY,
    credentials: NO_CREDENTIALS,
    settings: settings.parse({ namespace: "library", repositories: env.OLLAMA_REGISTRY_MODELS, catalog: false }),
  }),
  create: (instance, { fetch, logger, timeoutMs }) =>
    new OciRegistry({
      ...instance.settings,
      name: instance.name,
      endpoint: instance.endpoint,
      credentials: instance.credentials,
      credentialsHint:
        instance.name === "ollama" && instance.credentials === NO_CREDENTIALS
          ? "the gateway reads public models of Ollama's registry only (its private models need Ollama's own signed keys)."
          : `set the variables REGISTRIES_FILE names as credentials of ${instance.name} (username and password, or token).`,
      // Retries must end early enough for their last attempt to answer within the registry timeout.
      retryBudgetMs: Math.min(instance.settings.retryBudgetMs, timeoutMs / 2),
      fetch,
      logger: logger.child({ registry: instance.name }),
    }),
});
