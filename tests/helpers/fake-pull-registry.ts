import { createHash } from "node:crypto";
import { ModelNotFound } from "../../src/domain/errors.js";
import type { ModelFile, ModelInfo } from "../../src/domain/model.js";
import { formatModelRef, type ModelRef } from "../../src/domain/model-ref.js";
import type { FileDownload } from "../../src/download/download-file.js";
import { searchInMemory } from "../../src/registries/common/in-memory-search.js";
import type { ModelFileList, ModelManager, SearchPage, SearchParams } from "../../src/registries/types.js";
import { fakeModel } from "./fake-registry.js";
import type { FileServer } from "./file-server.js";

/** A file of a fake model: its bytes, and what the registry claims about them (defaults: the truth). */
export interface FakeFile {
  bytes: Buffer;
  /** null: the registry gives no sha256 (undefined: the true one). */
  sha256?: string | null;
  sizeBytes?: number | null;
}

export const SECRET = "Bearer registry-secret";

/**
 * A registry whose files a local FileServer serves: it lists each model's files at a commit and
 * resolves each to a URL of that server, with the registry's credentials in the headers.
 */
export class FakePullRegistry implements ModelManager {
  readonly kind = "fake-files";
  readonly location: string;
  readonly models = new Map<string, { revision: string; files: Map<string, FakeFile> }>();
  listCalls = 0;
  resolveCalls = 0;

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
  ) {
    this.location = baseUrl;
  }

  /** Adds a model, and its files to the server when one is given (a child process has none). */
  add(id: string, files: Record<string, FakeFile | Buffer>, server?: FileServer, revision = commitOf(id)): this {
    const entries = new Map(
      Object.entries(files).map(([path, file]) => [path, Buffer.isBuffer(file) ? { bytes: file } : file]),
    );
    this.models.set(id, { revision, files: entries });
    for (const [path, file] of entries) server?.serve(this.filePath(id, path), file.bytes);
    return this;
  }

  /** The server path a file of a model is served at. */
  filePath(id: string, path: string): string {
    return `/${id}/resolve/${path}`;
  }

  async searchModels(params: SearchParams): Promise<SearchPage> {
    return searchInMemory(
      [...this.models.keys()].map((id, i) => fakeModel(this.name, i, { id, name: id })),
      params,
    );
  }

  async getModelInfos(refs: readonly ModelRef[]): Promise<Array<ModelInfo | Error>> {
    return refs.map((ref, i) => {
      const model = this.models.get(ref.id);
      if (!model) return new ModelNotFound(formatModelRef(ref));
      return fakeModel(this.name, i, {
        id: ref.id,
        name: ref.id,
        revision: model.revision,
        files: this.listed(ref.id),
      });
    });
  }

  async listModelFiles(ref: ModelRef): Promise<ModelFileList> {
    this.listCalls++;
    const model = this.models.get(ref.id);
    if (!model) throw new ModelNotFound(formatModelRef(ref), { registry: this.name });
    return { revision: model.revision, files: this.listed(ref.id) };
  }

  async resolveDownload(ref: ModelRef, file: ModelFile): Promise<FileDownload> {
    this.resolveCalls++;
    return {
      url: `${this.baseUrl}${this.filePath(ref.id, file.path)}`,
      headers: { authorization: SECRET },
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
    };
  }

  private listed(id: string): ModelFile[] {
    const model = this.models.get(id);
    return [...(model?.files ?? [])].map(([path, file]) => ({
      path,
      sizeBytes: file.sizeBytes === undefined ? file.bytes.length : file.sizeBytes,
      sha256: file.sha256 === undefined ? sha256(file.bytes) : file.sha256,
    }));
  }
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A stable fake commit per model. */
export function commitOf(id: string): string {
  return createHash("sha1").update(id).digest("hex");
}

/** Deterministic bytes (the same in every process), so a file's hash is known without sharing it. */
export function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}
