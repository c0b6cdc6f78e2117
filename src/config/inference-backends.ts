import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import picomatch from "picomatch";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { ConfigProblem } from "./registry-instances.js";

/** Which models a backend serves: a glob on references, and optionally its own name for them. */
export interface BackendModelRule {
  /** A glob on model references (`local:*`, `hf:org/**`), matched with and without the revision. */
  match: string;
  /** The model's name on the backend (Triton's `resnet50`); null: the reference itself. */
  name: string | null;
  /** The version asked of the backend; null: the reference's revision, if any. */
  version: string | null;
}

/** A remote server speaking the Open Inference Protocol that runInference may send work to. */
export interface InferenceBackendConfig {
  name: string;
  /** Its base URL; the protocol's paths (`/v2/...`) go under it. */
  url: string;
  /** The bearer token (read from the variable the entry names), or null. */
  token: string | null;
  models: readonly BackendModelRule[];
  /** Its share of calls among the healthy backends that serve a model. */
  weight: number;
  /** Every inference call to it ends after this long. */
  timeoutMs: number;
  /** How often its health is checked (and a failed one looked at again). */
  checkIntervalMs: number;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const glob = z
  .string()
  .min(1)
  .refine((pattern) => compiles(pattern), { error: "must be a glob pattern on model references" });
const modelRule = z.union([
  glob,
  z.strictObject({ match: glob, name: z.string().min(1).optional(), version: z.string().min(1).optional() }),
]);
const entry = z.strictObject({
  name: z.string().regex(NAME, {
    error: "must be 1 to 40 lower-case letters, digits or -, starting with a letter",
  }),
  url: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((url) => !new URL(url).username && !new URL(url).password, {
      error: "must not hold credentials; name a variable in token instead",
    })
    .transform((url) => url.replace(/\/+$/, "")),
  token: z
    .string()
    .regex(VARIABLE_NAME, { error: "must name an environment variable (the secret itself never goes here)" })
    .optional(),
  models: z.array(modelRule).min(1, { error: "must list at least one model pattern" }),
  weight: z.number().positive({ error: "must be a positive number" }).max(1000).default(1),
  timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
  checkIntervalMs: z.number().int().min(50).max(3_600_000).default(10_000),
});
const document = z.union([z.array(z.unknown()), z.strictObject({ backends: z.array(z.unknown()) })]);

/**
 * INFERENCE_BACKENDS: a JSON or YAML document (a list of backends, or `{ backends: [...] }`), or
 * the path of a file holding one. Each backend is checked on its own, so every mistake is named
 * with the backend and its field; tokens are read from the variables the entries name.
 */
export function inferenceBackends(
  value: string | undefined,
  env: Record<string, string | undefined>,
): { backends: InferenceBackendConfig[]; problems: ConfigProblem[] } {
  if (!value?.trim()) return { backends: [], problems: [] };
  const inline = /^\s*[[{]/.test(value) || value.includes("\n") || /^\s*backends\s*:/.test(value);
  const where = inline ? "INFERENCE_BACKENDS" : `INFERENCE_BACKENDS=${JSON.stringify(value)}`;
  let parsed: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both forms.
    parsed = parseYaml(inline ? value : readFileSync(resolve(value), "utf8"));
  } catch (error) {
    const why = (error as Error).message.split("\n")[0];
    return { backends: [], problems: [{ where, message: `cannot be read as JSON or YAML (${why})` }] };
  }
  const list = document.safeParse(parsed);
  if (!list.success) {
    return {
      backends: [],
      problems: [{ where, message: 'must be a list of backends or an object with a "backends" list' }],
    };
  }
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const entries = Array.isArray(list.data) ? list.data : list.data.backends;
  const backends = entries.flatMap((raw, index): InferenceBackendConfig[] => {
    const name = (raw as { name?: unknown } | null)?.name;
    const at = `${where} backends[${index}]${typeof name === "string" ? ` (${name})` : ""}`;
    const result = entry.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ where: [at, ...issue.path.map(String)].join("."), message: issue.message });
      }
      return [];
    }
    const backend = result.data;
    if (seen.has(backend.name)) {
      problems.push({ where: `${at}.name`, message: "is declared twice" });
      return [];
    }
    seen.add(backend.name);
    const token = backend.token ? env[backend.token]?.trim() || null : null;
    if (backend.token && !token) {
      problems.push({ where: `${at}.token`, message: `names ${backend.token}, which is not set` });
      return [];
    }
    const models = backend.models.map((rule) =>
      typeof rule === "string"
        ? { match: rule, name: null, version: null }
        : { match: rule.match, name: rule.name ?? null, version: rule.version ?? null },
    );
    return [{ ...backend, token, models }];
  });
  return { backends, problems };
}

function compiles(pattern: string): boolean {
  try {
    picomatch(pattern);
    return true;
  } catch {
    return false;
  }
}
