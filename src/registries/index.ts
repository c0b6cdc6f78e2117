import { REGISTRY_KINDS } from "./kinds.js";
import type { RegistryDeps, RegistryInstance } from "./registry-kind.js";
import { RegistrySet } from "./registry-set.js";

/**
 * Builds the strategy of every enabled instance (after the work its kind does once, such as
 * seeding a folder) and lists the others as disabled.
 */
export async function createRegistries(
  instances: readonly RegistryInstance[],
  deps: RegistryDeps,
): Promise<RegistrySet> {
  const enabled = instances.filter((instance) => instance.enabled);
  const kindOf = (instance: RegistryInstance) => {
    const kind = REGISTRY_KINDS[instance.kind];
    if (!kind) throw new Error(`registry ${instance.name} has an unknown kind ${instance.kind}`);
    return kind;
  };
  for (const instance of enabled) await kindOf(instance).prepare?.(instance, deps);
  return new RegistrySet(
    enabled.map((instance) => kindOf(instance).create(instance, deps)),
    instances
      .filter((instance) => !instance.enabled)
      .map(({ name, kind, endpoint }) => ({ name, kind, location: endpoint })),
  );
}
