import { InvalidInput } from "../domain/errors.js";
import type { ModelManager } from "./types.js";

/** A registry the gateway knows of but was told not to use (REGISTRIES leaves it out). */
export interface DisabledRegistry {
  name: string;
  kind: string;
  location: string;
}

/** The enabled registry strategies, looked up by reference prefix: the one map from name to strategy. */
export class RegistrySet {
  private readonly byName: ReadonlyMap<string, ModelManager>;

  constructor(
    managers: readonly ModelManager[],
    readonly disabled: readonly DisabledRegistry[] = [],
  ) {
    this.byName = new Map(managers.map((manager) => [manager.name, manager]));
  }

  get enabled(): ModelManager[] {
    return [...this.byName.values()];
  }

  get(name: string): ModelManager {
    const manager = this.byName.get(name);
    if (manager) return manager;
    const known = this.disabled.some((registry) => registry.name === name);
    throw new InvalidInput(
      `${known ? "Disabled" : "Unknown"} registry "${name}"; the enabled registries are: ${[...this.byName.keys()].join(", ")}.`,
      { field: "registry" },
    );
  }

  /** The registries a search should ask: all enabled ones, or the named ones (each validated). */
  select(names: readonly string[] | null | undefined): ModelManager[] {
    if (names === null || names === undefined) return this.enabled;
    if (names.length === 0) {
      throw new InvalidInput("registries must name at least one registry, or be left out to search all of them.", {
        field: "registries",
      });
    }
    return [...new Set(names)].map((name) => this.get(name));
  }
}
