import { resolve } from "node:path";
import { z } from "zod";
import { boolean } from "../../config/env-values.js";
import { defineKind, NO_CREDENTIALS } from "../registry-kind.js";
import { LocalRegistry } from "./local-registry.js";
import { seedSampleModels } from "./sample-models.js";

export interface LocalFolderSettings {
  /** Fill the folder with the generated sample models when it is empty (at start). */
  seedSamples: boolean;
}

/** A folder of ONNX models on this machine; the built-in `local` instance reads LOCAL_MODELS_DIR. */
export const localFolderKind = defineKind({
  kind: "local-folder",
  environment: {
    LOCAL_MODELS_DIR: z.string().min(1).default("./models"),
    SEED_SAMPLE_MODELS: boolean(true),
  },
  secrets: [],
  settings: z.object({ seedSamples: z.boolean().default(false) }) as z.ZodType<LocalFolderSettings>,
  endpointType: "folder",
  defaultEndpoint: null,
  builtIn: (env) => ({
    name: "local",
    kind: "local-folder",
    enabled: true,
    endpoint: resolve(env.LOCAL_MODELS_DIR),
    credentials: NO_CREDENTIALS,
    settings: { seedSamples: env.SEED_SAMPLE_MODELS },
  }),
  create: (instance, { logger }) =>
    new LocalRegistry(instance.name, instance.endpoint, logger.child({ registry: instance.name })),
  async prepare(instance, { logger }) {
    if (instance.settings.seedSamples && (await seedSampleModels(instance.endpoint))) {
      logger.info({ dir: instance.endpoint }, "seeded the local model folder with sample models");
    }
  },
});
