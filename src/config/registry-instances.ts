import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { REGISTRY_KINDS } from "../registries/kinds.js";
import type { RegistryCredentials, RegistryInstance } from "../registries/registry-kind.js";
import { csv, httpUrl } from "./env-values.js";

/** A problem with one variable or file entry: where it is, and what is wrong. */
export interface ConfigProblem {
  where: string;
  message: string;
}

/** The registry names a reference prefix may take. */
const INSTANCE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CREDENTIALS = ["token", "username", "password"] as const;

/** One entry of REGISTRIES_FILE: the instance's own fields; the kind's settings go under `settings`. */
const fileEntry = z.strictObject({
  name: z.string().regex(INSTANCE_NAME, {
    error: "must be 1 to 40 lower-case letters, digits or -, starting with a letter (it prefixes references)",
  }),
  kind: z.string(),
  endpoint: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
  credentials: z
    .strictObject(
      Object.fromEntries(
        CREDENTIALS.map((key) => [
          key,
          z
            .string()
            .regex(VARIABLE_NAME, { error: "must name an environment variable (the secret itself never goes here)" })
            .optional(),
        ]),
      ) as Record<(typeof CREDENTIALS)[number], z.ZodOptional<z.ZodString>>,
    )
    .default({}),
  settings: z.record(z.string(), z.unknown()).default({}),
});
const fileSchema = z.strictObject({ registries: z.array(z.unknown()) });

/**
 * Every registry instance: each kind's built-in one (configured by its own variables), then those
 * REGISTRIES_FILE declares (a file entry with a built-in's name replaces it). REGISTRIES, when set,
 * names the enabled ones; otherwise each instance's own default applies.
 */
export function registryInstances(
  env: Record<string, unknown>,
  raw: Record<string, string | undefined>,
): { instances: RegistryInstance[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const byName = new Map<string, RegistryInstance>();
  for (const kind of Object.values(REGISTRY_KINDS)) {
    const builtIn = kind.builtIn(env);
    if (builtIn) byName.set(builtIn.name, builtIn);
  }
  const file = raw.REGISTRIES_FILE;
  if (file) {
    for (const instance of readRegistriesFile(file, raw, problems)) byName.set(instance.name, instance);
  }
  const listed = raw.REGISTRIES ? [...new Set(csv(raw.REGISTRIES.toLowerCase()))] : null;
  if (listed) {
    const unknown = listed.filter((name) => !byName.has(name));
    if (listed.length === 0 || unknown.length > 0) {
      problems.push({
        where: `REGISTRIES=${JSON.stringify(raw.REGISTRIES)}`,
        message: `${unknown.length > 0 ? `unknown registr${unknown.length > 1 ? "ies" : "y"} ${unknown.join(", ")}; ` : ""}name one or more of ${[...byName.keys()].join(", ")}`,
      });
    }
  }
  const instances = [...byName.values()].map((instance) =>
    listed ? { ...instance, enabled: listed.includes(instance.name) } : instance,
  );
  return { instances, problems };
}

function readRegistriesFile(
  path: string,
  env: Record<string, string | undefined>,
  problems: ConfigProblem[],
): RegistryInstance[] {
  const where = `REGISTRIES_FILE=${JSON.stringify(path)}`;
  let document: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both forms.
    document = parseYaml(readFileSync(resolve(path), "utf8"));
  } catch (error) {
    problems.push({ where, message: `cannot be read as JSON or YAML (${(error as Error).message.split("\n")[0]})` });
    return [];
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    problems.push({ where, message: 'must be an object with a "registries" list' });
    return [];
  }
  const seen = new Set<string>();
  return parsed.data.registries.flatMap((entry, index): RegistryInstance[] => {
    const label = (name: unknown) => `${where} registries[${index}]${typeof name === "string" ? ` (${name})` : ""}`;
    const result = fileEntry.safeParse(entry);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({
          where: joinPath(label((entry as { name?: unknown })?.name), issue.path),
          message: issue.message,
        });
      }
      return [];
    }
    const { name, kind: kindName, endpoint, enabled, credentials, settings } = result.data;
    const at = label(name);
    const kind = REGISTRY_KINDS[kindName];
    if (!kind) {
      problems.push({ where: `${at}.kind`, message: `must be one of ${Object.keys(REGISTRY_KINDS).join(", ")}` });
      return [];
    }
    if (seen.has(name)) {
      problems.push({ where: `${at}.name`, message: "is declared twice" });
      return [];
    }
    seen.add(name);
    const checkedEndpoint = endpointOf(kind.endpointType, endpoint ?? kind.defaultEndpoint);
    if (typeof checkedEndpoint !== "string") {
      problems.push({ where: `${at}.endpoint`, message: checkedEndpoint.error });
    }
    const values = credentialsOf(credentials, env, `${at}.credentials`, problems);
    const parsedSettings = kind.settings.safeParse(settings);
    if (!parsedSettings.success) {
      for (const issue of parsedSettings.error.issues) {
        problems.push({ where: joinPath(`${at}.settings`, issue.path), message: issue.message });
      }
    }
    if (typeof checkedEndpoint !== "string" || !parsedSettings.success) return [];
    return [
      { name, kind: kind.kind, enabled, endpoint: checkedEndpoint, credentials: values, settings: parsedSettings.data },
    ];
  });
}

function joinPath(at: string, path: readonly PropertyKey[]): string {
  return [at, ...path.map(String)].join(".");
}

function endpointOf(type: "url" | "folder", endpoint: string | null): string | { error: string } {
  if (endpoint === null) return { error: "is required for this kind" };
  if (type === "folder") return resolve(endpoint);
  const parsed = httpUrl().safeParse(endpoint);
  return parsed.success ? parsed.data : { error: "must be an http(s) URL" };
}

/** Reads each credential from the variable the entry names; a named variable that is unset is an error. */
function credentialsOf(
  names: Partial<Record<(typeof CREDENTIALS)[number], string>>,
  env: Record<string, string | undefined>,
  where: string,
  problems: ConfigProblem[],
): RegistryCredentials {
  const read = (key: (typeof CREDENTIALS)[number]): string | null => {
    const variable = names[key];
    if (!variable) return null;
    const value = env[variable]?.trim();
    if (!value) problems.push({ where: `${where}.${key}`, message: `names ${variable}, which is not set` });
    return value || null;
  };
  return { token: read("token"), username: read("username"), password: read("password") };
}
