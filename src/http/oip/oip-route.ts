import { InvalidInput } from "../../domain/errors.js";
import { formatModelRef, parseModelRef } from "../../domain/model-ref.js";

/** One of the Open Inference Protocol's REST endpoints, as a request path names it. */
export type OipRoute =
  | { kind: "server-metadata" | "server-live" | "server-ready"; method: "GET" }
  | { kind: "model-metadata" | "model-ready"; method: "GET"; model: ModelName }
  | { kind: "infer"; method: "POST"; model: ModelName }
  | { kind: "unknown" };

/** A model as the path names it: the name as sent (for `model_name`), and the reference it stands for. */
export interface ModelName {
  /** The decoded name, echoed as the answer's `model_name`. */
  name: string;
  version: string | null;
  /** The model reference, the version as its revision. */
  ref: string;
}

/**
 * Reads an OIP path under /v2 (its raw, still-escaped form): `/v2`, `/v2/health/{live,ready}`,
 * `/v2/models/<name>[/versions/<version>][/ready|/infer]`. A model's name is its reference,
 * URL-escaped (`local%3Amlp-classifier`, `hf%3Aorg%2Fname%40rev`); an unescaped `/` in it is
 * accepted too, as tritonclient escapes names with `/` left as it is. The version is the revision.
 */
export function parseOipRoute(pathname: string): OipRoute {
  const segments = pathname.split("/").slice(2);
  if (segments.at(-1) === "" && segments.length > 0) segments.pop();
  if (segments.length === 0) return { kind: "server-metadata", method: "GET" };
  if (segments.length === 2 && segments[0] === "health") {
    if (segments[1] === "live") return { kind: "server-live", method: "GET" };
    if (segments[1] === "ready") return { kind: "server-ready", method: "GET" };
  }
  if (segments[0] !== "models" || segments.length < 2) return { kind: "unknown" };
  const rest = segments.slice(1);
  const last = rest.at(-1);
  const kind = last === "infer" ? "infer" : last === "ready" ? "model-ready" : "model-metadata";
  if (kind !== "model-metadata") rest.pop();
  let version: string | null = null;
  if (rest.length >= 3 && rest.at(-2) === "versions") {
    version = decode(rest.pop() as string);
    rest.pop();
  }
  if (rest.length === 0 || rest.some((segment) => segment === "")) return { kind: "unknown" };
  const model = modelName(rest.map(decode).join("/"), version);
  return kind === "infer" ? { kind, method: "POST", model } : { kind, method: "GET", model };
}

/** The reference a name and version stand for; a version the name contradicts is refused. */
function modelName(name: string, version: string | null): ModelName {
  if (version === null) return { name, version, ref: name };
  const ref = parseModelRef(name);
  if (ref.revision !== null && ref.revision !== version) {
    throw new InvalidInput(
      `The model name ${name} names revision ${ref.revision}, but the path asks for version ${version}; give one.`,
    );
  }
  return { name, version, ref: formatModelRef({ ...ref, revision: version }) };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidInput(`The path segment ${JSON.stringify(segment)} has a % that does not start an escape.`);
  }
}
