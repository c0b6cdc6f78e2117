import type { DocumentStore } from "../../db/document-store.js";
import { FileNotFound, ModelNotFound, RevisionNotFound } from "../../domain/errors.js";
import type { ModelFile, ModelInfo, ModelSummary } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { searchInMemory } from "../common/in-memory-search.js";
import { RevalidatingDocument } from "../revalidating-document.js";
import type { ModelFileList, ModelManager, SearchPage, SearchParams } from "../types.js";
import { parseManifest } from "./api-manifest.js";
import { pickVersion, ZooCatalogue, type ZooVersion } from "./zoo-catalogue.js";

export interface OnnxZooOptions {
  /** The instance's name: the prefix of its references. */
  name: string;
  /** The manifest (ONNX_HUB_MANIFEST.json) URL. */
  manifestUrl: string;
  /** How long a fetched manifest is used before it is revalidated. */
  manifestTtlMs: number;
  /** Where files live: `<filesUrl>/<model_path>` (the zoo's mirror on the Hugging Face Hub). */
  filesUrl: string;
  /** The gateway's per-call registry timeout; a manifest fetch gets half of it (see below). */
  callTimeoutMs: number;
  fetch: typeof fetch;
  /** Keeps the manifest with its validators across restarts, and for when its source is down. */
  documents: DocumentStore;
  logger: Logger;
}

/**
 * The ONNX Model Zoo: its manifest lists every model once per opset. Model ids are the manifest's
 * names, matched without regard to case; a reference's revision picks the opset (the highest when
 * none is given). Files download from the zoo's mirror, at the manifest's paths.
 */
export class OnnxZooRegistry implements ModelManager {
  readonly name: string;
  readonly kind = "onnx-zoo";
  readonly location: string;
  private readonly manifest: RevalidatingDocument<ZooCatalogue>;

  constructor(private readonly options: OnnxZooOptions) {
    this.name = options.name;
    this.location = options.manifestUrl;
    this.manifest = new RevalidatingDocument({
      registry: this.name,
      label: "the manifest",
      url: options.manifestUrl,
      fetch: options.fetch,
      store: options.documents,
      logger: options.logger,
      ttlMs: options.manifestTtlMs,
      // Half the call's time, so a source that hangs still leaves time to serve the stored copy.
      timeoutMs: Math.max(1, Math.floor(options.callTimeoutMs / 2)),
      parse: (body) => this.catalogueOf(body),
    });
  }

  async searchModels(params: SearchParams): Promise<SearchPage> {
    const { value: catalogue, stale } = await this.manifest.get();
    const summaries = catalogue.models.flatMap((model): ModelSummary[] => {
      const version = pickVersion(model, params.filter.opset);
      if (!version) return [];
      const info = marked(version.info, stale);
      // A result that is not the default opset names its opset, so its reference means what it shows.
      const refRevision = version === model.versions.at(-1) ? undefined : (info.revision as string);
      return [{ ...info, info, refRevision }];
    });
    return searchInMemory(summaries, params);
  }

  async getModelInfos(refs: readonly ModelRef[]): Promise<Array<ModelInfo | Error>> {
    const { value: catalogue, stale } = await this.manifest.get();
    return refs.map((ref) => {
      try {
        return marked(this.versionOf(catalogue, ref).info, stale);
      } catch (error) {
        return error as Error;
      }
    });
  }

  async canonicalRef(ref: ModelRef): Promise<ModelRef> {
    const model = (await this.manifest.get()).value.find(ref.id);
    return model ? { ...ref, id: model.id } : ref;
  }

  async listModelFiles(ref: ModelRef): Promise<ModelFileList> {
    const { info } = this.versionOf((await this.manifest.get()).value, ref);
    return { revision: info.revision, files: info.files };
  }

  async resolveDownload(ref: ModelRef, file: ModelFile): Promise<FileDownload> {
    const version = this.versionOf((await this.manifest.get()).value, ref);
    const source = version.sources.get(file.path);
    const known = version.info.files.find((f) => f.path === file.path);
    if (!source || !known) throw new FileNotFound(formatModelRef(ref), file.path, { registry: this.name });
    const path = source.split("/").map(encodeURIComponent).join("/");
    return { url: `${this.options.filesUrl}/${path}`, headers: {}, sizeBytes: known.sizeBytes, sha256: known.sha256 };
  }

  private versionOf(catalogue: ZooCatalogue, ref: ModelRef): ZooVersion {
    const model = catalogue.find(ref.id);
    if (!model) throw new ModelNotFound(formatModelRef(ref), { registry: this.name });
    const version =
      ref.revision === null
        ? pickVersion(model)
        : model.versions.find((v) => /^\d+$/.test(ref.revision as string) && v.opset === Number(ref.revision));
    if (!version) {
      const opsets = model.versions.map((v) => v.opset).join(", ");
      throw new RevisionNotFound(
        formatModelRef(ref),
        ref.revision ?? "",
        { registry: this.name },
        `its revisions are the opsets ${opsets}`,
      );
    }
    return version;
  }

  private catalogueOf(body: string): ZooCatalogue {
    const { entries, rejected } = parseManifest(body);
    const catalogue = new ZooCatalogue(this.name, entries);
    if (rejected.length > 0 || catalogue.duplicates > 0) {
      this.options.logger.warn(
        { rejected: rejected.slice(0, 5), rejectedCount: rejected.length, duplicates: catalogue.duplicates },
        "the manifest has entries the gateway cannot use; the others serve",
      );
    }
    return catalogue;
  }
}

/** The manifest's entries are shared; a stale answer gets its own flagged copy. */
function marked(info: ModelInfo, stale: boolean): ModelInfo {
  return stale ? { ...info, stale: true } : info;
}
