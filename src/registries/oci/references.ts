import { InvalidInput } from "../../domain/errors.js";
import type { ModelRef } from "../../domain/model-ref.js";

/** A model reference resolved to what the Distribution API names: a repository and a tag or digest. */
export interface RepositoryRef {
  /** The full repository name, namespace included (`library/llama3.2`). */
  repository: string;
  /** The tag or `sha256:<hex>` digest asked for (`latest` when the reference names none). */
  reference: string;
  isDigest: boolean;
}

export const DEFAULT_TAG = "latest";

/** The distribution spec's path component: lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_NAME_LENGTH = 255;

export const REFERENCE_FORM =
  "<registry>:<repository>[@<tag>|@sha256:<digest>], e.g. ollama:library/llama3.2@1b, ollama:llama3.2@1b (the instance's namespace added) or oci:team/model@sha256:<64 hex digits>";

/**
 * The repository and reference a model reference names, checked against the distribution spec's
 * grammar before any request. A one-segment id gets the instance's namespace (`library` for
 * Ollama), as `ollama pull llama3.2` means `library/llama3.2`.
 */
export function repositoryRef(ref: ModelRef, namespace: string | null): RepositoryRef {
  const repository = repositoryName(ref.id, namespace);
  const reference = ref.revision ?? DEFAULT_TAG;
  const isDigest = reference.startsWith("sha256:");
  if (isDigest ? !DIGEST.test(reference) : !TAG.test(reference)) {
    refuse(
      isDigest
        ? `the digest "${reference}" is not sha256: followed by 64 lower-case hex digits`
        : `the tag "${reference}" is not 1 to 128 letters, digits, _, . or - (starting with a letter, digit or _)`,
    );
  }
  return { repository, reference, isDigest };
}

/** The full repository name of an id, with the namespace added to a one-segment id. */
export function repositoryName(id: string, namespace: string | null): string {
  const repository = namespace && !id.includes("/") ? `${namespace}/${id}` : id;
  if (repository.length > MAX_NAME_LENGTH) refuse(`repository names have at most ${MAX_NAME_LENGTH} characters`);
  if (!repository.split("/").every((component) => COMPONENT.test(component))) {
    refuse(
      `"${repository}" is not a repository name: lower-case letters and digits, separated by ".", "_", "__" or "-", in /-separated components`,
    );
  }
  // The cache names a model's folder models--<registry>--<a>--<b>, so "--" would read as a "/".
  if (repository.includes("--")) refuse(`the gateway cannot cache repository names with "--" ("${repository}")`);
  return repository;
}

/** Whether a repository name is valid, for names a catalog or a setting lists. */
export function isRepositoryName(name: string): boolean {
  return (
    name.length <= MAX_NAME_LENGTH &&
    !name.includes("--") &&
    name.split("/").every((component) => COMPONENT.test(component))
  );
}

function refuse(why: string): never {
  throw new InvalidInput(`Invalid OCI model reference: ${why}. Expected ${REFERENCE_FORM}.`, { field: "ref" });
}
