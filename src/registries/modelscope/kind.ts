import { z } from "zod";
import { integer, optionalText, url } from "../../config/env-values.js";
import { defineKind } from "../registry-kind.js";
import { ModelScopeRegistry } from "./modelscope-registry.js";

export interface ModelScopeSettings {
  /** How long model info is served from the database without asking ModelScope. */
  cacheTtlSeconds: number;
  maxRetries: number;
  /** First retry delay; each further retry doubles it (with jitter). */
  retryBackoffMs: number;
  /** The most time one call may spend waiting for retries and Retry-After. */
  retryBudgetMs: number;
}

/** ModelScope's China site; its international site, https://modelscope.ai, speaks the same API. */
const DEFAULT_ENDPOINT = "https://www.modelscope.cn";

const settings = {
  cacheTtlSeconds: integer(0, 30 * 24 * 3600, 600),
  maxRetries: integer(0, 10, 3),
  retryBackoffMs: integer(1, 60_000, 500),
  retryBudgetMs: integer(0, 600_000, 5_000),
};

/**
 * ModelScope. The built-in `modelscope` instance reads the MODELSCOPE_* variables (the endpoint
 * and token variable names are those of ModelScope's own SDK) and is enabled only when REGISTRIES
 * names it, since it calls a registry abroad for most users.
 */
export const modelScopeKind = defineKind({
  kind: "modelscope",
  environment: {
    MODELSCOPE_ENDPOINT: url(DEFAULT_ENDPOINT),
    MODELSCOPE_API_TOKEN: optionalText(),
    MODELSCOPE_CACHE_TTL_SECONDS: settings.cacheTtlSeconds,
    MODELSCOPE_MAX_RETRIES: settings.maxRetries,
    MODELSCOPE_RETRY_BACKOFF_MS: settings.retryBackoffMs,
    MODELSCOPE_RETRY_BUDGET_MS: settings.retryBudgetMs,
  },
  secrets: ["MODELSCOPE_API_TOKEN"],
  settings: z.object(settings) as z.ZodType<ModelScopeSettings>,
  endpointType: "url",
  defaultEndpoint: DEFAULT_ENDPOINT,
  builtIn: (env) => ({
    name: "modelscope",
    kind: "modelscope",
    enabled: false,
    endpoint: env.MODELSCOPE_ENDPOINT,
    credentials: { token: env.MODELSCOPE_API_TOKEN, username: null, password: null },
    settings: {
      cacheTtlSeconds: env.MODELSCOPE_CACHE_TTL_SECONDS,
      maxRetries: env.MODELSCOPE_MAX_RETRIES,
      retryBackoffMs: env.MODELSCOPE_RETRY_BACKOFF_MS,
      retryBudgetMs: env.MODELSCOPE_RETRY_BUDGET_MS,
    },
  }),
  create: (instance, { fetch, logger, timeoutMs }) =>
    new ModelScopeRegistry({
      ...instance.settings,
      name: instance.name,
      endpoint: instance.endpoint,
      token: instance.credentials.token,
      // Retries must end early enough for their last attempt to answer within the registry timeout.
      retryBudgetMs: Math.min(instance.settings.retryBudgetMs, timeoutMs / 2),
      fetch,
      logger: logger.child({ registry: instance.name }),
    }),
});
