import { posix } from "node:path";
import type { ModelFile, ModelInfo, NumberRange } from "../../domain/model.js";
import type { Dimension, TensorSpec } from "../../domain/tensors.js";
import { elementTypeFromOnnxName } from "../../onnx/element-types.js";
import { inRange } from "../common/in-memory-search.js";
import { taskFromTags } from "../common/task-names.js";
import type { ApiIoPort, ApiManifestEntry } from "./api-manifest.js";

/** One manifest entry: a model at one opset. */
export interface ZooVersion {
  opset: number;
  info: ModelInfo;
  /** The manifest path (under the files base URL) of each file, by its path in `info.files`. */
  sources: ReadonlyMap<string, string>;
}

/** One model name with all its opsets, lowest first. */
export interface ZooModel {
  id: string;
  versions: ZooVersion[];
}

/**
 * A model reference's id for a manifest name. References cannot hold whitespace, and 36 zoo names
 * do ("VGG 16"), so whitespace becomes "_" (`onnx-zoo:VGG_16`); no two names collide that way.
 */
export function zooModelId(name: string): string {
  return name.trim().replace(/\s+/g, "_");
}

/** The manifest in the gateway's domain types, indexed by model id without regard to case. */
export class ZooCatalogue {
  readonly models: readonly ZooModel[];
  /** Entries set aside because their name and opset repeat an earlier entry's. */
  readonly duplicates: number;
  private readonly byKey: ReadonlyMap<string, ZooModel>;

  constructor(registry: string, entries: readonly ApiManifestEntry[]) {
    const grouped = new Map<string, Map<number, ApiManifestEntry>>();
    let duplicates = 0;
    for (const entry of entries) {
      const key = zooModelId(entry.model).toLowerCase();
      const opsets = grouped.get(key) ?? new Map<number, ApiManifestEntry>();
      if (opsets.has(entry.opset_version)) duplicates++;
      else opsets.set(entry.opset_version, entry);
      grouped.set(key, opsets);
    }
    const models = [...grouped.values()].map((opsets) => zooModel(registry, [...opsets.values()]));
    this.models = models.sort((a, b) => a.id.localeCompare(b.id));
    this.byKey = new Map(models.map((model) => [model.id.toLowerCase(), model]));
    this.duplicates = duplicates;
  }

  find(id: string): ZooModel | undefined {
    return this.byKey.get(id.toLowerCase());
  }
}

/** The default version (the highest opset, as `onnx.hub` chose), or the highest one in `range`. */
export function pickVersion(model: ZooModel, range?: NumberRange | null): ZooVersion | undefined {
  return model.versions.findLast((version) => inRange(version.opset, range));
}

function zooModel(registry: string, entries: ApiManifestEntry[]): ZooModel {
  const sorted = entries.sort((a, b) => a.opset_version - b.opset_version);
  const revisions = sorted.map((entry) => String(entry.opset_version));
  const versions = sorted.map((entry) => zooVersion(registry, entry, revisions));
  return { id: zooModelId((sorted.at(-1) as ApiManifestEntry).model), versions };
}

function zooVersion(registry: string, entry: ApiManifestEntry, revisions: string[]): ZooVersion {
  const { metadata } = entry;
  const sources = new Map<string, string>();
  const files: ModelFile[] = [];
  const addFile = (source: string, sizeBytes: number, sha256: string) => {
    const path = posix.basename(source);
    if (sources.has(path)) return;
    sources.set(path, source);
    files.push({ path, sizeBytes, sha256: sha256.toLowerCase() });
  };
  addFile(entry.model_path, metadata.model_bytes, metadata.model_sha);
  // The model with its test data, a .tar.gz beside the .onnx file.
  if (metadata.model_with_data_path && metadata.model_with_data_bytes !== undefined && metadata.model_with_data_sha) {
    addFile(metadata.model_with_data_path, metadata.model_with_data_bytes, metadata.model_with_data_sha);
  }
  const io = metadata.io_ports;
  const info: ModelInfo = {
    registry,
    id: zooModelId(entry.model),
    name: entry.model,
    author: null,
    description: null,
    task: taskFromTags(metadata.tags),
    // "onnx" as the local folder has it, so `filter.library: "onnx"` finds the zoo's models too.
    tags: [...new Set([...metadata.tags, "onnx"])],
    format: "ONNX",
    license: null,
    downloads: null,
    likes: null,
    updatedAt: null,
    sizeBytes: files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0),
    revision: String(entry.opset_version),
    files,
    // Entries without io_ports: the signature is read from the ONNX file once it is pulled.
    inputs: io ? io.inputs.map(tensorSpec) : null,
    outputs: io ? io.outputs.map(tensorSpec) : null,
    opset: entry.opset_version,
    onnxVersion: entry.onnx_version,
    availableRevisions: revisions,
  };
  return { opset: entry.opset_version, info, sources };
}

function tensorSpec(port: ApiIoPort): TensorSpec {
  return { name: port.name, elementType: elementTypeFromOnnxName(port.type), shape: port.shape.map(dimension) };
}

/** Unknown dimensions (null, negative, empty) become "?", as the domain's Dimension has it. */
function dimension(value: number | string | null): Dimension {
  if (typeof value === "number") return value >= 0 ? value : "?";
  return value || "?";
}
