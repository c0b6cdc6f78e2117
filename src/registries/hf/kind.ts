import { z } from "zod";
import { integer, optionalText, url } from "../../config/env-values.js";
import { defineKind } from "../registry-kind.js";
import { HfRegistry } from "./hf-registry.js";

export interface HubSettings {
  /** How long model info is served from the database without asking the Hub. */
  cacheTtlSeconds: number;
  maxRetries: number;
  /** First retry delay; each further retry doubles it (with jitter). */
  retryBackoffMs: number;
  /** The most time one call may spend waiting for retries and rate-limit resets. */
  retryBudgetMs: number;
}

/** HF_ENDPOINT, shared with the ONNX Model Zoo, whose files are mirrored on the Hub. */
export const HF_ENDPOINT = url("https://huggingface.co");

const settings = {
  cacheTtlSeconds: integer(0, 30 * 24 * 3600, 600),
  maxRetries: integer(0, 10, 3),
  retryBackoffMs: integer(1, 60_000, 500),
  retryBudgetMs: integer(0, 600_000, 5_000),
};

/** The Hugging Face Hub or a mirror of it; the built-in `hf` instance reads the HF_* variables. */
export const huggingfaceKind = defineKind({
  kind: "huggingface",
  environment: {
    HF_ENDPOINT,
    HF_TOKEN: optionalText(),
    HUGGING_FACE_HUB_TOKEN: optionalText(),
    HF_CACHE_TTL_SECONDS: settings.cacheTtlSeconds,
    HF_MAX_RETRIES: settings.maxRetries,
    HF_RETRY_BACKOFF_MS: settings.retryBackoffMs,
    HF_RETRY_BUDGET_MS: settings.retryBudgetMs,
  },
  secrets: ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"],
  settings: z.object(settings) as z.ZodType<HubSettings>,
  endpointType: "url",
  defaultEndpoint: "https://huggingface.co",
  builtIn: (env) => ({
    name: "hf",
    kind: "huggingface",
    enabled: true,
    endpoint: env.HF_ENDPOINT,
    credentials: { token: env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN, username: null, password: null },
    settings: {
      cacheTtlSeconds: env.HF_CACHE_TTL_SECONDS,
      maxRetries: env.HF_MAX_RETRIES,
      retryBackoffMs: env.HF_RETRY_BACKOFF_MS,
      retryBudgetMs: env.HF_RETRY_BUDGET_MS,
    },
  }),
  create: (instance, { fetch, logger, timeoutMs }) =>
    new HfRegistry({
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
