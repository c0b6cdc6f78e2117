import type { ModelFile } from "../../domain/model.js";
import { type ApiDescriptor, type ApiImageManifest, MEDIA_TYPES } from "./api-types.js";

/** A file of a model and the blob (or manifest) it is downloaded from. */
export interface ArtifactFile extends ModelFile {
  digest: string;
  mediaType: string;
  /** The manifest itself is fetched from /manifests/, every other file from /blobs/. */
  source: "manifest" | "blob";
}

/** Where a model keeps its manifest and config blob, apart from its layers' names. */
export const MANIFEST_PATH = ".oci/manifest.json";
export const CONFIG_PATH = ".oci/config.json";

/**
 * Ollama's layer media types and the files they become (server/images.go reads them by type; the
 * names are the gateway's, chosen so that a model folder reads like a Modelfile's parts).
 */
const OLLAMA_FILES: Readonly<Record<string, string>> = {
  "application/vnd.ollama.image.model": "model.gguf",
  "application/vnd.ollama.image.adapter": "adapter.gguf",
  "application/vnd.ollama.image.projector": "projector.gguf",
  "application/vnd.ollama.image.draft": "draft.gguf",
  "application/vnd.ollama.image.embed": "embed.gguf",
  "application/vnd.ollama.image.template": "template",
  "application/vnd.ollama.image.prompt": "prompt",
  "application/vnd.ollama.image.system": "system",
  "application/vnd.ollama.image.params": "params.json",
  "application/vnd.ollama.image.messages": "messages.json",
  "application/vnd.ollama.image.license": "license",
  "application/vnd.ollama.image.config": "config.json",
};
/** Ollama's layers that name their file themselves (safetensors models: tensors and JSON files). */
const OLLAMA_NAMED = new Set(["application/vnd.ollama.image.tensor", "application/vnd.ollama.image.json"]);

const TITLE = "org.opencontainers.image.title";
const MODELPACK_PATHS = ["org.cncf.model.filepath", "org.cnai.model.filepath"];
/** ORAS marks a layer that packs a folder (a tar archive to unpack) with this annotation. */
const ORAS_UNPACK = "io.deis.oras.content.unpack";

/**
 * The files of an image manifest: one per layer, named by its `org.opencontainers.image.title`
 * annotation (ORAS, ModelPack), ModelPack's file path annotation, Ollama's media type, or else
 * `sha256-<hex>`; then the config blob (unless it is the empty `{}`) and the manifest itself, under
 * `.oci/`. Sizes and sha256 come from the descriptors, so every download is verified. A name taken
 * twice (two projectors) gets `-2`, `-3` before its extension.
 */
export function artifactFiles(
  manifest: ApiImageManifest,
  manifestBytes: Buffer,
  manifestDigest: string,
): ArtifactFile[] {
  const taken = new Set<string>([MANIFEST_PATH, CONFIG_PATH]);
  const files: ArtifactFile[] = manifest.layers.map((layer) => {
    const path = unique(layerName(layer), taken);
    taken.add(path);
    return blobFile(path, layer);
  });
  if (manifest.config.mediaType !== MEDIA_TYPES.ociEmpty) files.push(blobFile(CONFIG_PATH, manifest.config));
  files.push({
    path: MANIFEST_PATH,
    sizeBytes: manifestBytes.length,
    sha256: sha256Of(manifestDigest),
    digest: manifestDigest,
    mediaType: manifest.mediaType ?? MEDIA_TYPES.ociManifest,
    source: "manifest",
  });
  return files;
}

function blobFile(path: string, descriptor: ApiDescriptor): ArtifactFile {
  return {
    path,
    sizeBytes: descriptor.size,
    sha256: sha256Of(descriptor.digest),
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    source: "blob",
  };
}

/** The hex of a sha256 digest; null for other algorithms, whose files are checked by size only. */
function sha256Of(digest: string): string | null {
  return /^sha256:[a-f0-9]{64}$/.test(digest) ? digest.slice("sha256:".length) : null;
}

/** The media type without its parameters (`application/vnd.ollama.image.template; name=x`). */
export function baseMediaType(mediaType: string): string {
  return (mediaType.split(";")[0] as string).trim().toLowerCase();
}

function layerName(layer: ApiDescriptor): string {
  const type = baseMediaType(layer.mediaType);
  const annotated = layer.annotations?.[TITLE] ?? MODELPACK_PATHS.map((key) => layer.annotations?.[key]).find(Boolean);
  if (annotated) return annotated + archiveExtension(type, annotated, layer.annotations?.[ORAS_UNPACK] === "true");
  if (OLLAMA_NAMED.has(type) && layer.name) return type.endsWith(".tensor") ? `tensors/${layer.name}` : layer.name;
  return OLLAMA_FILES[type] ?? `${layer.digest.replace(":", "-")}${archiveExtension(type, "", true)}`;
}

/**
 * The extension an archived layer's file gets: ModelPack's `.tar` layers (and ORAS folders) are
 * tar archives of the file their annotation names, stored as they are, not unpacked. ORAS's plain
 * files keep their title even though its default media type says tar.
 */
function archiveExtension(type: string, name: string, packed: boolean): string {
  const modelPack = /^application\/vnd\.(cncf|cnai)\.model\./.test(type);
  if (!modelPack && !packed) return "";
  const extension =
    type.endsWith(".tar+gzip") || type.endsWith("tar.gzip") || type.endsWith(".tar+gz")
      ? ".tar.gz"
      : type.endsWith(".tar+zstd")
        ? ".tar.zst"
        : type.endsWith(".tar")
          ? ".tar"
          : "";
  return name.endsWith(extension) ? "" : extension;
}

function unique(path: string, taken: ReadonlySet<string>): string {
  if (!taken.has(path)) return path;
  const slash = path.lastIndexOf("/");
  const dot = path.indexOf(".", slash + 1);
  const [stem, extension] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ""];
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}${extension}`;
    if (!taken.has(candidate)) return candidate;
  }
}
