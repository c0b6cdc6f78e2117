import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

/**
 * The direction of imports between the folders of src/ (ARCHITECTURE.md, "Layering"), checked on
 * the source text so that a wrong-way import fails `npm test`, type-only imports included.
 */
const SRC = join(import.meta.dirname, "../src");

/** The layers that everything else builds on; none of them may reach up into the use cases or the API. */
const LOWER = [
  "domain",
  "config",
  "logger",
  "deadline",
  "process-owner",
  "db",
  "download",
  "onnx",
  "cache",
  "coordination",
  "inference",
  "oip",
  "registries",
  "observability",
  "security",
];
const UPPER = ["services", "schema", "http", "app", "server", "context", "main", "shutdown"];
/** Layers that take the domain's types rather than a registry's. */
const BELOW_REGISTRIES = ["db", "download", "onnx", "cache", "inference"];
/** The command line is a client of the public API; `serve` starts the gateway by a dynamic import of main. */
const CLIENT_SIDE = ["cli", "client"];
const ALLOWED = new Set(["cli/commands/serve.ts -> main"]);

interface Import {
  file: string;
  layer: string;
  target: string;
  targetLayer: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** `db` for src/db/…, `app` for src/app.ts. */
function layerOf(pathInSrc: string): string {
  const [first, ...rest] = pathInSrc.split("/");
  return rest.length > 0 ? (first as string) : (first as string).replace(/\.tsx?$/, "");
}

function importsOf(path: string): Import[] {
  const file = relative(SRC, path);
  const text = readFileSync(path, "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specifiers.flatMap((specifier) => {
    const target = relative(SRC, resolve(dirname(path), specifier as string));
    if (target.startsWith("..")) return [];
    return [{ file, layer: layerOf(file), target, targetLayer: layerOf(target.replace(/\.js$/, ".ts")) }];
  });
}

function broken({ layer, targetLayer, file }: Import): string | null {
  if (ALLOWED.has(`${file} -> ${targetLayer}`)) return null;
  if (layer === "domain" && targetLayer !== "domain") return "src/domain imports nothing outside it";
  if (LOWER.includes(layer) && UPPER.includes(targetLayer))
    return `${layer} is a lower layer and may not import ${targetLayer}`;
  if (BELOW_REGISTRIES.includes(layer) && targetLayer === "registries")
    return `${layer} takes the domain's types, not the registries'`;
  if (CLIENT_SIDE.includes(layer) && !CLIENT_SIDE.includes(targetLayer))
    return "the command line and the client speak to the gateway over its public API only";
  return null;
}

const imports = sourceFiles(SRC).flatMap(importsOf);

it("finds the imports it checks", () => {
  // A parser that found nothing would pass every rule below.
  expect(imports.length).toBeGreaterThan(500);
  expect(imports).toContainEqual(expect.objectContaining({ file: "app.ts", targetLayer: "services" }));
});

it("keeps every import pointing down the layers of ARCHITECTURE.md", () => {
  const violations = imports.flatMap((i) => {
    const rule = broken(i);
    return rule ? [`src/${i.file} imports src/${i.target}: ${rule}`] : [];
  });
  expect(violations).toEqual([]);
});

it("knows every folder of src/, so a new one is placed in a layer on purpose", () => {
  const layers = new Set(sourceFiles(SRC).map((path) => layerOf(relative(SRC, path))));
  const placed = new Set([...LOWER, ...UPPER, ...CLIENT_SIDE]);
  expect([...layers].filter((layer) => !placed.has(layer))).toEqual([]);
});
