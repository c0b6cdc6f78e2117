import { copyFile, link, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { CacheStore } from "../src/cache/cache-store.js";
import { loadConfig } from "../src/config.js";
import { formatModelRef, type ModelRef, parseModelRef } from "../src/domain/model-ref.js";
import { MANIFEST_PATH } from "../src/registries/oci/layer-files.js";
import { repositoryName } from "../src/registries/oci/references.js";
import { DEFAULT_BRANCH } from "../src/services/pulls/pull-plan.js";

/**
 * `npm run ollama:export -- <ref> [--to <ollama models folder>] [--tag <tag>]`: makes a model the
 * gateway pulled from an OCI registry usable by Ollama, in Ollama's own layout:
 *
 *   <to>/manifests/<host>/<namespace>/<model>/<tag>   the manifest, byte for byte (.oci/manifest.json)
 *   <to>/blobs/sha256-<hex>                           each layer and the config, hard-linked from the cache
 *
 * Hard links cost no space; across filesystems the blobs are copied. `<to>` defaults to
 * OLLAMA_MODELS (Ollama's own variable), else ~/.ollama/models.
 */

export interface ExportRequest {
  /** The gateway's cache (CACHE_DIR). */
  cacheDir: string;
  ref: ModelRef;
  /** The registry as Ollama names it in a model's name: `registry.ollama.ai`, or `host:port`. */
  host: string;
  /** The instance's namespace, added to a one-segment id. */
  namespace: string | null;
  /** Ollama's models folder. */
  to: string;
  /** The tag Ollama will know the model by; by default the reference's tag, else `latest`. */
  tag?: string;
}

export interface ExportResult {
  /** The name `ollama run` takes. */
  name: string;
  manifestPath: string;
  blobs: Array<{ path: string; how: "linked" | "copied" | "present" }>;
}

const OLLAMA_LAYER = /^application\/vnd\.ollama\.image\./;
const SHA256 = /^sha256:([a-f0-9]{64})$/;

export async function exportToOllama(request: ExportRequest): Promise<ExportResult> {
  // The cache keeps a model under its full repository name, as the registry spells it.
  const ref = { ...request.ref, id: repositoryName(request.ref.id, request.namespace) };
  const text = formatModelRef(ref);
  const store = new CacheStore(request.cacheDir);
  const dir = store.modelDir(ref.registry, ref.id);
  const snapshot = await store.resolveRef(dir, ref.revision ?? DEFAULT_BRANCH);
  if (snapshot === null) throw new Error(`${text} is not in the cache ${request.cacheDir}; pull it first (pullModel).`);
  const manifestBytes = await readFile(dir.snapshotFile(snapshot, MANIFEST_PATH)).catch(() => {
    throw new Error(`${text} was pulled without ${MANIFEST_PATH}; pull it again with its default files.`);
  });
  const manifest = JSON.parse(manifestBytes.toString()) as {
    config?: { digest?: string };
    layers?: Array<{ mediaType?: string; digest?: string }>;
  };
  const layers = manifest.layers ?? [];
  if (!layers.some((layer) => OLLAMA_LAYER.test(layer.mediaType ?? ""))) {
    throw new Error(`${text} is not an Ollama model: none of its layers has an Ollama media type.`);
  }
  const segments = repositoryName(ref.id, request.namespace).split("/");
  if (segments.length !== 2) {
    throw new Error(`Ollama names models <namespace>/<model>; ${segments.join("/")} has ${segments.length} parts.`);
  }
  const [namespace, model] = segments as [string, string];
  const tag = request.tag ?? (ref.revision && !ref.revision.startsWith("sha256:") ? ref.revision : "latest");

  const blobs: ExportResult["blobs"] = [];
  for (const digest of [manifest.config?.digest, ...layers.map((layer) => layer.digest)]) {
    const hex = SHA256.exec(digest ?? "")?.[1];
    if (!hex) throw new Error(`${text} has a blob without a sha256 digest (${digest}), which Ollama cannot store.`);
    const source = dir.blob(hex);
    if (!(await stat(source).catch(() => null))?.isFile()) {
      throw new Error(`${text} lacks the blob ${digest} in the cache; pull every file of it (files: ["**"]).`);
    }
    const target = join(request.to, "blobs", `sha256-${hex}`);
    blobs.push({ path: target, how: await placeBlob(source, target) });
  }
  const manifestPath = join(request.to, "manifests", request.host, namespace, model, tag);
  await mkdir(dirname(manifestPath), { recursive: true });
  await writeFile(`${manifestPath}.tmp`, manifestBytes);
  await rename(`${manifestPath}.tmp`, manifestPath);
  const short =
    request.host === "registry.ollama.ai"
      ? namespace === "library"
        ? model
        : `${namespace}/${model}`
      : `${request.host}/${namespace}/${model}`;
  return { name: `${short}:${tag}`, manifestPath, blobs };
}

/** A hard link to the cache's blob (no copy, no space), or a copy where links cannot cross filesystems. */
async function placeBlob(source: string, target: string): Promise<"linked" | "copied" | "present"> {
  const [existing, original] = await Promise.all([stat(target).catch(() => null), stat(source)]);
  if (existing?.isFile() && existing.size === original.size) return "present";
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  let how: "linked" | "copied" = "linked";
  await link(source, temp).catch(async () => {
    how = "copied";
    await copyFile(source, temp);
  });
  await rename(temp, target);
  return how;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { to: { type: "string" }, tag: { type: "string" } },
  });
  const [refText] = positionals;
  if (!refText || positionals.length > 1) {
    throw new Error(
      "usage: npm run ollama:export -- <registry>:<repository>[@<tag>] [--to <ollama models folder>] [--tag <tag>]",
    );
  }
  const config = loadConfig(process.env);
  const ref = parseModelRef(refText);
  const instance = config.registries.instances.find((candidate) => candidate.name === ref.registry);
  if (instance?.kind !== "oci") throw new Error(`${ref.registry} is not an OCI registry instance of this gateway.`);
  const settings = instance.settings as { namespace: string | null };
  const result = await exportToOllama({
    cacheDir: config.pulls.cacheDir,
    ref,
    host: new URL(instance.endpoint).host,
    namespace: settings.namespace,
    to: values.to ?? process.env.OLLAMA_MODELS ?? join(homedir(), ".ollama", "models"),
    ...(values.tag && { tag: values.tag }),
  });
  for (const blob of result.blobs) console.log(`${blob.how.padEnd(7)} ${blob.path}`);
  console.log(`wrote   ${result.manifestPath}\nollama run ${result.name}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
