import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REGISTRY_KINDS } from "../src/registries/kinds.js";

/**
 * docs/configuration.md is the configuration reference; this test keeps it and the code in step.
 * The variables the code reads come from the code itself: the keys of the environment schema in
 * src/config.ts and src/config/*.ts (read as text: the schema is not exported), each registry
 * kind's own variables (its `environment`), and every other `env.NAME`, `env["NAME"]` or
 * commander `.env("NAME")` read under src/, scripts/ and bin/.
 */

const root = join(import.meta.dirname, "..");
const VARIABLE = "[A-Z][A-Z0-9_]*";

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join("src", "generated") ? [] : filesUnder(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

/** Each variable the code reads, with the files that read it. */
function variablesInCode(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (name: string, where: string) => found.set(name, (found.get(name) ?? new Set()).add(where));

  // The schema's keys sit two spaces in: `  PORT: integer(0, 65535, 4000),`.
  const schemaFiles = ["src/config.ts", ...filesUnder("src/config")];
  for (const file of schemaFiles) {
    const text = readFileSync(join(root, file), "utf8");
    for (const name of matches(text, new RegExp(`^ {2}(${VARIABLE})\\s*:`, "gm"))) add(name, file);
  }
  for (const kind of Object.values(REGISTRY_KINDS)) {
    for (const name of Object.keys(kind.environment)) add(name, `src/registries (kind ${kind.kind})`);
  }
  const reads = [
    new RegExp(`\\benv\\.(${VARIABLE})\\b`, "g"),
    new RegExp(`\\benv\\[\\s*["'\`](${VARIABLE})["'\`]\\s*\\]`, "g"),
    new RegExp(`\\.env\\(\\s*["'\`](${VARIABLE})["'\`]\\s*\\)`, "g"),
  ];
  for (const file of [...filesUnder("src"), ...filesUnder("scripts"), ...filesUnder("bin")]) {
    const text = readFileSync(join(root, file), "utf8");
    for (const pattern of reads) for (const name of matches(text, pattern)) add(name, file);
  }
  return found;
}

/** The variables docs/configuration.md documents: the backticked name opening each table row. */
function variablesInDocs(): string[] {
  const text = readFileSync(join(root, "docs", "configuration.md"), "utf8");
  return matches(text, new RegExp(`^\\|\\s*\`(${VARIABLE})\`\\s*\\|`, "gm"));
}

it("documents every environment variable the code reads", () => {
  const inCode = variablesInCode();
  const documented = new Set(variablesInDocs());
  const missing = [...inCode.keys()]
    .filter((name) => !documented.has(name))
    .map((name) => `${name} (read in ${[...(inCode.get(name) ?? [])].join(", ")})`);
  expect(missing, `not documented in docs/configuration.md: ${missing.join("; ")}`).toEqual([]);
});

it("documents no variable the code does not read", () => {
  const inCode = variablesInCode();
  const stale = variablesInDocs().filter((name) => !inCode.has(name));
  expect(stale, `documented in docs/configuration.md but read nowhere: ${stale.join(", ")}`).toEqual([]);
});

it("documents each variable once", () => {
  const names = variablesInDocs();
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  expect(names.length, "docs/configuration.md documents no variable at all").toBeGreaterThan(0);
  expect(repeated, `documented more than once in docs/configuration.md: ${repeated.join(", ")}`).toEqual([]);
});
