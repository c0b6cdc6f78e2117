import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * `npm run build:web` (also run by postinstall and `npm run dev`): bundles the model browser
 * (web/src) with esbuild into web/dist — hashed asset names under assets/, so the gateway can
 * serve them as immutable, and an index.html naming them, which it serves with no-cache.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const web = join(root, "web");
const out = join(web, "dist");
const assets = join(out, "assets");

export async function buildWeb(): Promise<{ files: string[] }> {
  await rm(out, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(web, "src", "main.tsx") },
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022", "chrome111", "firefox113", "safari16.4"],
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "preact",
    outdir: assets,
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    metafile: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => join(root, file));
  const script = outputs.find((file) => file.endsWith(".js"));
  const style = outputs.find((file) => file.endsWith(".css"));
  if (!script || !style) throw new Error("esbuild produced no script or no stylesheet for the model browser.");
  const icon = await hashedCopy(join(web, "icon.svg"));
  const template = await readFile(join(web, "index.html"), "utf8");
  const html = template
    .replace("%ICON%", `/assets/${icon}`)
    .replace("%STYLE%", `/assets/${basename(style)}`)
    .replace("%SCRIPT%", `/assets/${basename(script)}`);
  await writeFile(join(out, "index.html"), html);
  return { files: [...outputs, join(assets, icon)].map((file) => relative(out, file)) };
}

/** Copies a static file into assets/ under a name carrying its content hash. */
async function hashedCopy(path: string): Promise<string> {
  const bytes = await readFile(path);
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 8).toUpperCase();
  const name = `${basename(path, extname(path))}-${hash}${extname(path)}`;
  await writeFile(join(assets, name), bytes);
  return name;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files } = await buildWeb();
  console.log(`Model browser built into web/dist: ${files.join(", ")}`);
}
