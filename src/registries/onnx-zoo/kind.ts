import { z } from "zod";
import { httpUrl, integer, url } from "../../config/env-values.js";
import { HF_ENDPOINT } from "../hf/kind.js";
import { defineKind, NO_CREDENTIALS } from "../registry-kind.js";
import { OnnxZooRegistry } from "./onnx-zoo-registry.js";

export interface ZooSettings {
  /** Where files download from: `<filesUrl>/<model_path>`. */
  filesUrl: string;
  /** How long a fetched manifest is used before it is revalidated. */
  manifestTtlSeconds: number;
}

const manifestTtlSeconds = integer(0, 31_536_000, 3600);

/** The ONNX Model Zoo's manifest; its endpoint is the manifest's URL. */
export const onnxZooKind = defineKind({
  kind: "onnx-zoo",
  environment: {
    HF_ENDPOINT,
    ONNX_ZOO_MANIFEST_URL: url("https://raw.githubusercontent.com/onnx/models/main/ONNX_HUB_MANIFEST.json"),
    ONNX_ZOO_MANIFEST_TTL_SECONDS: manifestTtlSeconds,
    /** Defaults to the zoo's mirror under HF_ENDPOINT, so a Hub mirror serves the zoo's files too. */
    ONNX_ZOO_FILES_URL: httpUrl().optional(),
  },
  secrets: [],
  settings: z.object({ filesUrl: httpUrl(), manifestTtlSeconds }) as z.ZodType<ZooSettings>,
  endpointType: "url",
  defaultEndpoint: null,
  builtIn: (env) => ({
    name: "onnx-zoo",
    kind: "onnx-zoo",
    enabled: true,
    endpoint: env.ONNX_ZOO_MANIFEST_URL,
    credentials: NO_CREDENTIALS,
    settings: {
      filesUrl: env.ONNX_ZOO_FILES_URL ?? `${env.HF_ENDPOINT}/onnxmodelzoo/legacy_models/resolve/main`,
      manifestTtlSeconds: env.ONNX_ZOO_MANIFEST_TTL_SECONDS,
    },
  }),
  create: (instance, { fetch, logger, documents, timeoutMs }) =>
    new OnnxZooRegistry({
      name: instance.name,
      manifestUrl: instance.endpoint,
      manifestTtlMs: instance.settings.manifestTtlSeconds * 1000,
      filesUrl: instance.settings.filesUrl,
      callTimeoutMs: timeoutMs,
      fetch,
      documents,
      logger: logger.child({ registry: instance.name }),
    }),
});
