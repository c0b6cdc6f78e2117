import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { FileNotFound, ModelNotFound, RevisionNotFound } from "../../domain/errors.js";
import type { ModelFile, ModelInfo } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { FileFacts } from "../../onnx/file-facts.js";
import { searchInMemory } from "../common/in-memory-search.js";
import type { ModelFileList, ModelManager, SearchPage, SearchParams } from "../types.js";
import { findModelEntry, type LocalModelEntry, scanModelFolder } from "./model-folder.js";

/** The optional `model.json` beside a folder model's `model.onnx`. */
const modelJson = z.object({
  name: z.string().min(1).optional(),
  author: z.string().min(1).optional(),
  description: z.string().optional(),
  task: z.string().min(1).optional(),
  tags: z.array(z.string()).optional(),
  license: z.string().min(1).optional(),
});

/**
 * A folder of ONNX models on this machine (LOCAL_MODELS_DIR). Metadata comes from each model's
 * protobuf and optional model.json; nothing here creates an inference session.
 */
export class LocalRegistry implements ModelManager {
  readonly kind = "local-folder";
  private readonly facts = new FileFacts();
  private readonly described = new Map<string, { version: string; info: Promise<ModelInfo> }>();
  private readonly modelJsons = new Map<string, { version: string; value: Promise<z.infer<typeof modelJson>> }>();

  constructor(
    readonly name: string,
    readonly location: string,
    private readonly logger: Logger,
  ) {}

  async searchModels(params: SearchParams): Promise<SearchPage> {
    const models = await this.describeAll();
    return searchInMemory(
      models.map((info) => ({ ...info, info })),
      params,
    );
  }

  /** Each model found by its own paths (a few stats), the folder scanned only for an id they miss. */
  async getModelInfos(refs: readonly ModelRef[]): Promise<Array<ModelInfo | Error>> {
    const direct = await Promise.all(refs.map((ref) => findModelEntry(this.location, ref.id)));
    const scanned = direct.includes(null) ? await scanModelFolder(this.location) : [];
    return Promise.all(
      refs.map(async (ref, i) => {
        const entry = direct[i] ?? scanned.find((candidate) => candidate.id === ref.id);
        if (!entry) return new ModelNotFound(formatModelRef(ref), { registry: this.name });
        if (ref.revision !== null) {
          return new RevisionNotFound(formatModelRef(ref), ref.revision, { registry: this.name });
        }
        return this.describe(entry);
      }),
    );
  }

  async listModelFiles(ref: ModelRef): Promise<ModelFileList> {
    const [info] = await this.getModelInfos([ref]);
    if (info instanceof Error) throw info;
    return { revision: null, files: (info as ModelInfo).files };
  }

  async resolveDownload(ref: ModelRef, file: ModelFile): Promise<FileDownload> {
    const path = await this.localPath(ref, file);
    return { url: pathToFileURL(path).href, headers: {}, sizeBytes: file.sizeBytes, sha256: file.sha256 };
  }

  async localPath(ref: ModelRef, file: ModelFile): Promise<string> {
    const entry =
      (await findModelEntry(this.location, ref.id)) ??
      (await scanModelFolder(this.location)).find((e) => e.id === ref.id);
    if (!entry) throw new ModelNotFound(formatModelRef(ref), { registry: this.name });
    const found = entry.files.find((f) => f.path === file.path);
    if (!found) throw new FileNotFound(formatModelRef(ref), file.path, { registry: this.name });
    return found.absolutePath;
  }

  private async describeAll(): Promise<ModelInfo[]> {
    const entries = await scanModelFolder(this.location);
    return Promise.all(entries.map((entry) => this.describe(entry)));
  }

  /**
   * A model's info, built once per version of its files (paths, sizes, mtimes, inodes): an
   * unchanged model answers with the very same object, which the catalog then need not store again.
   */
  private describe(entry: LocalModelEntry): Promise<ModelInfo> {
    const version = entry.files.map((f) => `${f.path}:${f.stats.size}:${f.stats.mtimeMs}:${f.stats.ino}`).join("|");
    const known = this.described.get(entry.root);
    if (known?.version === version) return known.info;
    const info = this.build(entry);
    this.described.set(entry.root, { version, info });
    info.catch(() => this.described.delete(entry.root));
    return info;
  }

  private async build(entry: LocalModelEntry): Promise<ModelInfo> {
    const model = entry.files.find((file) => file.absolutePath === entry.modelFile);
    const [onnx, extra] = await Promise.all([
      model ? this.facts.onnx(model.absolutePath, model.stats) : null,
      this.readModelJson(entry),
    ]);
    const files = await Promise.all(
      entry.files.map(async (file) => ({
        path: file.path,
        sizeBytes: file.stats.size,
        sha256:
          file === model
            ? (onnx?.sha256 ?? null)
            : await this.facts.sha256(file.absolutePath, file.stats).catch(() => null),
      })),
    );
    const metadata = onnx && "metadata" in onnx ? onnx.metadata : null;
    return {
      registry: this.name,
      id: entry.id,
      revision: null,
      name: extra.name ?? entry.id,
      author: extra.author ?? null,
      description: extra.description ?? metadata?.docString ?? null,
      task: extra.task ?? null,
      tags: [...new Set([...(extra.tags ?? []), "onnx"])],
      format: "ONNX",
      license: extra.license ?? null,
      downloads: null,
      likes: null,
      updatedAt: model ? model.stats.mtime : null,
      sizeBytes: files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0),
      files,
      inputs: metadata?.inputs ?? null,
      outputs: metadata?.outputs ?? null,
      opset: metadata?.opset ?? null,
      producer: metadata?.producer ?? null,
      irVersion: metadata?.irVersion ?? null,
      docString: metadata?.docString ?? null,
      metadataProps: metadata?.metadataProps ?? {},
      brokenReason: onnx && "brokenReason" in onnx ? onnx.brokenReason : null,
    };
  }

  /** model.json, read once per version of the file: a broken one is reported once, not on every request. */
  private readModelJson(entry: LocalModelEntry): Promise<z.infer<typeof modelJson>> {
    const file = entry.files.find((candidate) => candidate.absolutePath === entry.metadataFile);
    if (!file) return Promise.resolve({});
    const version = `${file.stats.size}:${file.stats.mtimeMs}:${file.stats.ino}`;
    const known = this.modelJsons.get(file.absolutePath);
    if (known?.version === version) return known.value;
    const value = readFile(file.absolutePath, "utf8")
      .then((text) => modelJson.parse(JSON.parse(text)))
      .catch((error: unknown) => {
        this.logger.warn({ model: entry.id, err: error }, "ignoring an unreadable model.json");
        return {};
      });
    this.modelJsons.set(file.absolutePath, { version, value });
    return value;
  }
}
