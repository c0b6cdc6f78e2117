import { InvalidInput } from "./errors.js";

/** A parsed model reference: `<registry>:<id>[@<revision>]`. */
export interface ModelRef {
  readonly registry: string;
  readonly id: string;
  /** The revision asked for (branch, tag, commit or opset); null means the registry's default. */
  readonly revision: string | null;
}

export const MODEL_REF_FORM =
  "<registry>:<id>[@<revision>], e.g. local:mlp-classifier, hf:org/name@main or onnx-zoo:MNIST-12 (write %, @ and spaces as %25, %40 and %20)";

const MAX_REF_LENGTH = 512;
const REGISTRY = /^[a-z][a-z0-9-]*$/;
// Ids and revisions are checked in full by each registry; here only what no reference holds as
// it is. Those characters (and %) are written percent-escaped, as in a URL: `local:my%20model`.
const FORBIDDEN = /[\s\p{Cc}@]/u;
const ESCAPED = /[%@\s\p{Cc}]/gu;

/** Parses a model reference, or throws BAD_USER_INPUT naming the accepted form. */
export function parseModelRef(text: string): ModelRef {
  const fail = (why: string): never => {
    throw new InvalidInput(`Invalid model reference ${JSON.stringify(text)}: ${why}. Expected ${MODEL_REF_FORM}.`, {
      field: "ref",
    });
  };
  if (text.length > MAX_REF_LENGTH) fail(`longer than ${MAX_REF_LENGTH} characters`);
  const decoded = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return fail(`the ${what} has a % that does not start an escape such as %20 (write a % itself as %25)`);
    }
  };
  const colon = text.indexOf(":");
  if (colon < 0) fail("missing the registry prefix");
  const registry = text.slice(0, colon);
  if (!REGISTRY.test(registry)) fail(`"${registry}" is not a registry name`);
  const rest = text.slice(colon + 1);
  const at = rest.lastIndexOf("@");
  const id = at < 0 ? rest : rest.slice(0, at);
  const revision = at < 0 ? null : rest.slice(at + 1);
  if (id.length === 0) fail("the model id is empty");
  if (FORBIDDEN.test(id)) fail("the model id contains whitespace, control characters or a second @");
  if (revision !== null && (revision.length === 0 || FORBIDDEN.test(revision))) {
    fail("the revision after @ is empty or contains whitespace or control characters");
  }
  return {
    registry,
    id: decoded(id, "model id"),
    revision: revision === null ? null : decoded(revision, "revision"),
  };
}

/** The canonical text of a reference; `parseModelRef(formatModelRef(r))` gives `r` back. */
export function formatModelRef(ref: ModelRef): string {
  return `${ref.registry}:${escaped(ref.id)}${ref.revision === null ? "" : `@${escaped(ref.revision)}`}`;
}

function escaped(part: string): string {
  return part.replace(ESCAPED, (character) => encodeURIComponent(character));
}
