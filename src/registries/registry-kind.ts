/**
 * A kind of registry (huggingface, mlflow, oci…) and its configured instances. A kind is one
 * strategy folder under src/registries/; an instance is a name (the prefix of its model
 * references), an endpoint and the credentials read from the environment variables it names. An
 * organisation may run two instances of one kind (two MLflow servers, a Hub and its mirror).
 */
import type { z } from "zod";
import type { DocumentStore } from "../db/document-store.js";
import type { Logger } from "../logger.js";
import type { ModelManager } from "./types.js";

/** Credentials as read from the environment at start; null where the instance names none. */
export interface RegistryCredentials {
  readonly token: string | null;
  readonly username: string | null;
  readonly password: string | null;
}

export const NO_CREDENTIALS: RegistryCredentials = Object.freeze({ token: null, username: null, password: null });

/** One configured registry. */
export interface RegistryInstance<S = unknown> {
  /** The prefix of its model references (`hf` in `hf:org/name`). */
  readonly name: string;
  readonly kind: string;
  /** Whether the gateway uses it (REGISTRIES, or the instance's own default). */
  readonly enabled: boolean;
  /** Its base URL, or the folder it reads. */
  readonly endpoint: string;
  readonly credentials: RegistryCredentials;
  /** The kind's own settings, validated by its schema. */
  readonly settings: S;
}

/** What every strategy is given besides its instance: a logger, the fetch it must use, storage. */
export interface RegistryDeps {
  logger: Logger;
  fetch: typeof fetch;
  /** Where fetched documents (a manifest) are kept with their validators. */
  documents: DocumentStore;
  /** REGISTRY_TIMEOUT_MS: the longest one registry call may take. */
  timeoutMs: number;
}

/**
 * A kind of registry: how its built-in instance is configured from environment variables, what
 * settings an instance in REGISTRIES_FILE may carry, and how to build its strategy.
 */
export interface RegistryKind<E extends z.ZodRawShape = z.ZodRawShape, S = unknown> {
  readonly kind: string;
  /** Environment variables of the built-in instance, validated with the rest of the configuration. */
  readonly environment: E;
  /** Those of them whose values are secrets: never echoed, not even in configuration errors. */
  readonly secrets: readonly string[];
  /** Settings an instance in REGISTRIES_FILE may set beside name, kind, endpoint and credentials. */
  readonly settings: z.ZodType<S>;
  /** What an endpoint is: an http(s) base URL, or a folder on this machine. */
  readonly endpointType: "url" | "folder";
  /** The endpoint of an instance that names none; null when each instance must name its own. */
  readonly defaultEndpoint: string | null;
  /** The kind's built-in instance, from its parsed variables; null when it has none (or it is not configured). */
  builtIn(env: z.infer<z.ZodObject<E>>): RegistryInstance<S> | null;
  create(instance: RegistryInstance<S>, deps: RegistryDeps): ModelManager;
  /** Work an enabled instance needs once before it serves (seeding a folder); optional. */
  prepare?(instance: RegistryInstance<S>, deps: RegistryDeps): Promise<void>;
}

/** Declares a kind with its types checked, and erases them for the one map of kinds. */
export function defineKind<E extends z.ZodRawShape, S>(kind: RegistryKind<E, S>): RegistryKind {
  return kind as unknown as RegistryKind;
}
