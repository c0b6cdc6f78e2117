import type { Config, RegistryName } from "../config.js";
import type { Logger } from "../logger.js";
import { HfRegistry } from "./hf/hf-registry.js";
import { LocalRegistry } from "./local/local-registry.js";
import { OnnxZooRegistry } from "./onnx-zoo/onnx-zoo-registry.js";
import { type DisabledRegistry, RegistrySet } from "./registry-set.js";
import type { DocumentStore } from "./revalidating-document.js";
import type { ModelManager } from "./types.js";

/** What a registry strategy may be given: its config, a logger and the fetch it must use. */
export interface RegistryDeps {
  config: Config;
  logger: Logger;
  fetch: typeof fetch;
  /** Where fetched documents (the zoo's manifest) are kept with their validators. */
  documents: DocumentStore;
}

interface RegistryFactory {
  kind: string;
  location(config: Config): string;
  create(deps: RegistryDeps): ModelManager;
}

/** Every registry the gateway can speak to, by reference prefix. */
const FACTORIES: Record<RegistryName, RegistryFactory> = {
  local: {
    kind: "local-folder",
    location: (config) => config.registries.local.dir,
    create: ({ config, logger }) => new LocalRegistry(config.registries.local.dir, logger.child({ registry: "local" })),
  },
  hf: {
    kind: "huggingface",
    location: (config) => config.registries.hf.endpoint,
    create: ({ config, logger, fetch }) =>
      new HfRegistry({
        ...config.registries.hf,
        // Retries must end early enough for their last attempt to answer within the registry timeout.
        retryBudgetMs: Math.min(config.registries.hf.retryBudgetMs, config.registries.timeoutMs / 2),
        fetch,
        logger: logger.child({ registry: "hf" }),
      }),
  },
  "onnx-zoo": {
    kind: "onnx-zoo",
    location: (config) => config.registries.onnxZoo.manifestUrl,
    create: ({ config, logger, fetch, documents }) =>
      new OnnxZooRegistry({
        ...config.registries.onnxZoo,
        callTimeoutMs: config.registries.timeoutMs,
        fetch,
        documents,
        logger: logger.child({ registry: "onnx-zoo" }),
      }),
  },
};

/** Builds the enabled strategies (REGISTRIES) and lists the others as disabled. */
export function createRegistries(deps: RegistryDeps): RegistrySet {
  const enabled = new Set(deps.config.registries.enabled);
  const entries = Object.entries(FACTORIES) as Array<[RegistryName, RegistryFactory]>;
  const disabled: DisabledRegistry[] = entries
    .filter(([name]) => !enabled.has(name))
    .map(([name, factory]) => ({ name, kind: factory.kind, location: factory.location(deps.config) }));
  return new RegistrySet(
    entries.filter(([name]) => enabled.has(name)).map(([, factory]) => factory.create(deps)),
    disabled,
  );
}
