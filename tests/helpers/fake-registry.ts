import { setTimeout as sleep } from "node:timers/promises";
import { ModelNotFound } from "../../src/domain/errors.js";
import type { ModelInfo } from "../../src/domain/model.js";
import { formatModelRef, type ModelRef } from "../../src/domain/model-ref.js";
import type { FileDownload } from "../../src/download/download-file.js";
import { searchInMemory } from "../../src/registries/common/in-memory-search.js";
import type { ModelFileList, ModelManager, SearchPage, SearchParams } from "../../src/registries/types.js";

export interface FakeBehaviour {
  /** Delay before answering; the fake ignores its AbortSignal, as a badly written strategy would. */
  delayMs?: number;
  /** Thrown by every call while set. */
  failWith?: () => Error;
}

/** An in-memory registry that counts its calls, for fan-out, batching and paging tests. */
export class FakeRegistry implements ModelManager {
  readonly kind = "fake";
  readonly location: string;
  readonly searchCalls: SearchParams[] = [];
  readonly infoBatches: string[][] = [];

  constructor(
    readonly name: string,
    readonly models: ModelInfo[],
    public behaviour: FakeBehaviour = {},
  ) {
    this.location = `memory://${name}`;
  }

  async searchModels(params: SearchParams): Promise<SearchPage> {
    this.searchCalls.push(params);
    await this.act();
    return searchInMemory(this.models, params);
  }

  async getModelInfos(refs: readonly ModelRef[]): Promise<Array<ModelInfo | Error>> {
    this.infoBatches.push(refs.map(formatModelRef));
    await this.act();
    return refs.map((ref) => this.models.find((m) => m.id === ref.id) ?? new ModelNotFound(formatModelRef(ref)));
  }

  async listModelFiles(ref: ModelRef): Promise<ModelFileList> {
    const [info] = await this.getModelInfos([ref]);
    if (info instanceof Error) throw info;
    return { revision: info?.revision ?? null, files: info?.files ?? [] };
  }

  async resolveDownload(): Promise<FileDownload> {
    throw new Error("the fake registry has no files to download");
  }

  private async act(): Promise<void> {
    if (this.behaviour.delayMs) await sleep(this.behaviour.delayMs);
    if (this.behaviour.failWith) throw this.behaviour.failWith();
  }
}

/** A model of a fake registry; numbers derive from `index` so sorts have something to order. */
export function fakeModel(registry: string, index: number, overrides: Partial<ModelInfo> = {}): ModelInfo {
  const id = `${registry}-model-${String(index).padStart(3, "0")}`;
  return {
    registry,
    id,
    name: id,
    author: "tester",
    description: `Fake model number ${index}`,
    task: "text-classification",
    tags: ["fake"],
    format: "ONNX",
    license: "mit",
    downloads: (index * 7919) % 1000,
    likes: (index * 104729) % 97,
    updatedAt: new Date(Date.UTC(2025, 0, 1 + ((index * 31) % 300))),
    sizeBytes: 1000 + index,
    revision: `commit-${index}`,
    files: [{ path: "model.onnx", sizeBytes: 1000 + index, sha256: null }],
    inputs: null,
    outputs: null,
    opset: 17,
    ...overrides,
  };
}

export function fakeModels(registry: string, count: number): ModelInfo[] {
  return Array.from({ length: count }, (_, i) => fakeModel(registry, i));
}
