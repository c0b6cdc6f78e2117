import { z } from "zod";
import { integer, optionalText } from "../../config/env-values.js";
import { defineKind } from "../registry-kind.js";
import { MlflowRegistry } from "./mlflow-registry.js";

export interface MlflowSettings {
  /** How long model info is served from the database without asking the server. */
  cacheTtlSeconds: number;
  maxRetries: number;
  /** First retry delay; each further retry doubles it (with jitter). */
  retryBackoffMs: number;
  /** The most time one call may spend waiting for retries and Retry-After. */
  retryBudgetMs: number;
}

const settings = {
  cacheTtlSeconds: integer(0, 30 * 24 * 3600, 60),
  maxRetries: integer(0, 10, 3),
  retryBackoffMs: integer(1, 60_000, 500),
  retryBudgetMs: integer(0, 600_000, 5_000),
};

/** The built-in instance's credentials, named in AUTHENTICATION_REQUIRED messages. */
const BUILT_IN_CREDENTIALS =
  "MLFLOW_TRACKING_TOKEN (a bearer token), or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD";

/**
 * An MLflow tracking server's Model Registry. The built-in `mlflow` instance exists when
 * MLFLOW_TRACKING_URI names an http(s) server, and reads MLflow's own credential variables;
 * REGISTRIES_FILE may declare more servers of this kind.
 */
export const mlflowKind = defineKind({
  kind: "mlflow",
  environment: {
    MLFLOW_TRACKING_URI: z
      .url({
        protocol: /^https?$/,
        error:
          "must be the http(s) URL of an MLflow tracking server (file:, sqlite: or databricks URIs cannot be read over REST); leave it unset to disable the mlflow registry",
      })
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
    MLFLOW_TRACKING_TOKEN: optionalText(),
    MLFLOW_TRACKING_USERNAME: optionalText(),
    MLFLOW_TRACKING_PASSWORD: optionalText(),
    MLFLOW_CACHE_TTL_SECONDS: settings.cacheTtlSeconds,
    MLFLOW_MAX_RETRIES: settings.maxRetries,
    MLFLOW_RETRY_BACKOFF_MS: settings.retryBackoffMs,
    MLFLOW_RETRY_BUDGET_MS: settings.retryBudgetMs,
  },
  secrets: ["MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD"],
  settings: z.object(settings) as z.ZodType<MlflowSettings>,
  endpointType: "url",
  defaultEndpoint: null,
  builtIn: (env) =>
    env.MLFLOW_TRACKING_URI
      ? {
          name: "mlflow",
          kind: "mlflow",
          enabled: true,
          endpoint: env.MLFLOW_TRACKING_URI,
          credentials: {
            token: env.MLFLOW_TRACKING_TOKEN,
            username: env.MLFLOW_TRACKING_USERNAME,
            password: env.MLFLOW_TRACKING_PASSWORD,
          },
          settings: {
            cacheTtlSeconds: env.MLFLOW_CACHE_TTL_SECONDS,
            maxRetries: env.MLFLOW_MAX_RETRIES,
            retryBackoffMs: env.MLFLOW_RETRY_BACKOFF_MS,
            retryBudgetMs: env.MLFLOW_RETRY_BUDGET_MS,
          },
        }
      : null,
  create: (instance, { fetch, logger, timeoutMs }) =>
    new MlflowRegistry({
      ...instance.settings,
      name: instance.name,
      endpoint: instance.endpoint,
      credentials: instance.credentials,
      credentialHint:
        instance.name === "mlflow"
          ? BUILT_IN_CREDENTIALS
          : `the token (or username and password) variables REGISTRIES_FILE names for registry ${instance.name}`,
      // Retries must end early enough for their last attempt to answer within the registry timeout.
      retryBudgetMs: Math.min(instance.settings.retryBudgetMs, timeoutMs / 2),
      fetch,
      logger: logger.child({ registry: instance.name }),
    }),
});
