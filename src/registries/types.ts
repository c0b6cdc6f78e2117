/**
 * The ModelManager contract every registry strategy implements, and the shapes of its calls.
 * The model facts they produce are the domain's (src/domain/model.ts).
 */

import type { ModelFile, ModelFilter, ModelInfo, ModelSort, ModelSummary } from "../domain/model.js";
import type { ModelRef } from "../domain/model-ref.js";
import type { FileDownload } from "../download/download-file.js";

export interface SearchParams {
  query: string | null;
  filter: ModelFilter;
  sort: ModelSort;
  /** Page size; the registry may return fewer. */
  limit: number;
  /** The registry's own cursor from a previous page's nextCursor; null for the first page. */
  cursor: string | null;
}

export interface SearchPage {
  items: ModelSummary[];
  /** Opaque to the gateway; null when there are no more results. */
  nextCursor: string | null;
}

/** The files of one model at one resolved revision. */
export interface ModelFileList {
  revision: string | null;
  files: ModelFile[];
}

/** What the registry says of its own rate-limit window, for clients to pace themselves. */
export interface RegistryQuota {
  remaining: number | null;
  limit: number | null;
  resetsAt: Date | null;
  /** Length of the registry's rate-limit window, when it says. */
  windowSeconds?: number | null;
  /** When the registry last made the gateway wait for its window to reset (a call that still succeeded). */
  throttledAt?: Date | null;
}

/**
 * One registry strategy. All calls take the request's AbortSignal (already combined with the
 * registry timeout) and throw GatewayError subclasses for expected failures.
 */
export interface ModelManager {
  /** The reference prefix (`local`, `hf`, `onnx-zoo`). */
  readonly name: string;
  /** What kind of registry this is, for clients (`local-folder`, `huggingface`, `onnx-zoo`). */
  readonly kind: string;
  /** The endpoint URL or folder it reads. */
  readonly location: string;
  /** When set, model info younger than this is served from the database without a call. */
  readonly infoCacheTtlMs?: number;
  searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage>;
  /** Batch info: one result per ref, in order; an Error (ModelNotFound...) where one fails. */
  getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>>;
  listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList>;
  /** Resolves one file of `ref` at a resolved revision to a download the pull engine can run. */
  resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload>;
  /**
   * The reference in the registry's own spelling, for registries that match ids loosely (the zoo
   * ignores case), so one model has one cache folder and one history; the ref itself when unknown.
   */
  canonicalRef?(ref: ModelRef, signal: AbortSignal): Promise<ModelRef>;
  /** Where a model's files already lie on this machine, for registries that are local folders. */
  localPath?(ref: ModelRef, file: ModelFile): Promise<string>;
  quota?(): RegistryQuota | null;
}
