import { z } from "zod";
import { integer, optionalText, url } from "../../config/env-values.js";
import { defineKind, type RegistryCredentials } from "../registry-kind.js";
import type { KaggleCredentials } from "./kaggle-http.js";
import { KaggleRegistry } from "./kaggle-registry.js";

export interface KaggleSettings {
  /** How long model info is served from the database without asking Kaggle. */
  cacheTtlSeconds: number;
  maxRetries: number;
  /** First retry delay; each further retry doubles it (with jitter). */
  retryBackoffMs: number;
  /** The most time one call may spend waiting for retries and Retry-After. */
  retryBudgetMs: number;
}

/** Kaggle's API host, as the Kaggle SDK has it for production (kagglesdk/kaggle_env.py). */
const DEFAULT_ENDPOINT = "https://api.kaggle.com";

const settings = {
  cacheTtlSeconds: integer(0, 30 * 24 * 3600, 600),
  maxRetries: integer(0, 10, 3),
  retryBackoffMs: integer(1, 60_000, 500),
  retryBudgetMs: integer(0, 600_000, 5_000),
};

/** Bearer when a token is set (as the SDK prefers it), else basic with username and key; null: anonymous. */
function credentialsOf({ token, username, password }: RegistryCredentials): KaggleCredentials {
  if (token) return { token };
  return username && password ? { username, key: password } : null;
}

/**
 * Kaggle Models. The built-in `kaggle` instance reads the KAGGLE_* variables and is enabled by
 * default only when credentials are set (REGISTRIES can enable it without them: Kaggle serves
 * public models anonymously), so a gateway without a Kaggle account does not call Kaggle.
 */
export const kaggleKind = defineKind({
  kind: "kaggle",
  environment: {
    KAGGLE_API_ENDPOINT: url(DEFAULT_ENDPOINT),
    KAGGLE_API_TOKEN: optionalText(),
    KAGGLE_USERNAME: optionalText(),
    KAGGLE_KEY: optionalText(),
    KAGGLE_CACHE_TTL_SECONDS: settings.cacheTtlSeconds,
    KAGGLE_MAX_RETRIES: settings.maxRetries,
    KAGGLE_RETRY_BACKOFF_MS: settings.retryBackoffMs,
    KAGGLE_RETRY_BUDGET_MS: settings.retryBudgetMs,
  },
  secrets: ["KAGGLE_API_TOKEN", "KAGGLE_USERNAME", "KAGGLE_KEY"],
  settings: z.object(settings) as z.ZodType<KaggleSettings>,
  endpointType: "url",
  defaultEndpoint: DEFAULT_ENDPOINT,
  builtIn: (env) => {
    const credentials = { token: env.KAGGLE_API_TOKEN, username: env.KAGGLE_USERNAME, password: env.KAGGLE_KEY };
    return {
      name: "kaggle",
      kind: "kaggle",
      enabled: credentialsOf(credentials) !== null,
      endpoint: env.KAGGLE_API_ENDPOINT,
      credentials,
      settings: {
        cacheTtlSeconds: env.KAGGLE_CACHE_TTL_SECONDS,
        maxRetries: env.KAGGLE_MAX_RETRIES,
        retryBackoffMs: env.KAGGLE_RETRY_BACKOFF_MS,
        retryBudgetMs: env.KAGGLE_RETRY_BUDGET_MS,
      },
    };
  },
  create: (instance, { fetch, logger, timeoutMs }) =>
    new KaggleRegistry({
      ...instance.settings,
      name: instance.name,
      endpoint: instance.endpoint,
      credentials: credentialsOf(instance.credentials),
      credentialsHint:
        instance.name === "kaggle"
          ? "set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY"
          : `give registry ${instance.name} credentials in REGISTRIES_FILE (token, or username and password)`,
      // Retries must end early enough for their last attempt to answer within the registry timeout.
      retryBudgetMs: Math.min(instance.settings.retryBudgetMs, timeoutMs / 2),
      fetch,
      logger: logger.child({ registry: instance.name }),
    }),
});
