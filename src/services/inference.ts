import { stat } from "node:fs/promises";
import type { ExecutionProviderName } from "../config.js";
import type { InferenceHistory, InferenceRunEntry } from "../db/inference-history.js";
import { ExecutionProviderUnavailable, GatewayError, InferenceFailed, RequestCancelled } from "../domain/errors.js";
import type { ModelFile } from "../domain/model.js";
import { formatModelRef, type ModelRef, parseModelRef } from "../domain/model-ref.js";
import type { TensorSummary } from "../domain/tensors.js";
import { chooseModelFile } from "../inference/choose-model-file.js";
import type { InferenceEngine, ProviderAttempt, ProviderRequest } from "../inference/inference-engine.js";
import type { ModelFiles } from "../inference/model-files.js";
import type { ModelFileOnDisk } from "../inference/session-cache.js";
import { selectOutputs, type TensorInput, validateInputs } from "../inference/validate-inputs.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import { FileFacts } from "../onnx/file-facts.js";
import { encodeOutputs, type OutputTensor, type TensorEncoding } from "./inference-outputs.js";
import type { RemoteAttempt, RemoteInference, RemoteRun } from "./remote-inference.js";

export type { OutputTensor, TensorEncoding } from "./inference-outputs.js";

/** Where a call asks to run: AUTO, one local execution provider, or REMOTE (INFERENCE_BACKENDS). */
export type InferenceTarget = ProviderRequest | "remote";
/** How a call reached the gateway. */
export type InferenceProtocol = "GRAPHQL" | "OIP";
/** A local provider or a remote backend considered for a call, in the order tried. */
export type RunAttempt = ProviderAttempt | RemoteAttempt;

export interface RunInferenceRequest {
  /** A model reference. */
  model: string;
  /** Which .onnx file of the model; null for the usual one (see chooseModelFile). */
  file: string | null;
  inputs: TensorInput[];
  /** Outputs to return; null for all. */
  outputs: string[] | null;
  executionProvider: InferenceTarget;
  outputEncoding: TensorEncoding;
  pull: boolean;
  /** Whether the caller may pull (its key's pull scope). */
  mayPull: boolean;
  /** The HTTP request's id, for the log line. */
  requestId?: string | null;
  /** How the call came, for history; GRAPHQL when left out. */
  protocol?: InferenceProtocol;
  /** Run on this gateway's own providers only: another gateway offloaded the call here, and it must not bounce on. */
  localOnly?: boolean;
}

export interface InferenceTimings {
  queueMs: number;
  loadMs: number;
  runMs: number;
  totalMs: number;
}

export interface InferenceResult {
  runId: string;
  ref: string;
  /** The .onnx file that ran; null when a remote backend ran the model without saying. */
  file: string | null;
  fileSha256: string | null;
  provider: ExecutionProviderName | "remote";
  /** The remote backend that ran it, or null when it ran here. */
  backend: string | null;
  attempts: RunAttempt[];
  sessionReused: boolean;
  outputs: OutputTensor[];
  timings: InferenceTimings;
}

export interface InferenceServiceDeps {
  /** Where the model's files are (and how they get pulled). */
  files: ModelFiles;
  engine: InferenceEngine;
  history: InferenceHistory;
  /** INFERENCE_MAX_BYTES: the most bytes of input tensors one call may carry. */
  maxInputBytes: number;
  /** INFERENCE_MAX_OUTPUT_BYTES: the most bytes of output tensors one call may return. */
  maxOutputBytes: number;
  logger: Logger;
  metrics: Metrics;
  /** The remote backends (INFERENCE_BACKENDS), when any are configured. */
  remote?: RemoteInference | null;
}

/** What a call learnt before it failed, for its history entry. */
type Progress = Partial<Pick<InferenceRunEntry, "ref" | "filePath" | "fileSha256" | "provider" | "backend">> & {
  loadMs?: number;
  queueMs?: number;
  runMs?: number;
};

/**
 * The runInference use case (GraphQL's mutation and the OIP endpoints alike): runs the model on a
 * remote backend that serves it (REMOTE, or AUTO first), or finds the model's file, opens a
 * session on a local execution provider, validates the inputs against the model's signature and
 * runs it off the event loop; and records every call with a well-formed model reference in
 * history, failed or not.
 */
export class InferenceService {
  private readonly facts = new FileFacts();
  readonly engine: InferenceEngine;
  readonly history: InferenceHistory;

  constructor(private readonly deps: InferenceServiceDeps) {
    this.engine = deps.engine;
    this.history = deps.history;
  }

  async run(request: RunInferenceRequest, signal: AbortSignal): Promise<InferenceResult> {
    const started = performance.now();
    const ref = parseModelRef(request.model);
    const progress: Progress = {};
    const entry = (status: InferenceRunEntry["status"], outputs: TensorSummary[], error: GatewayError | null) => ({
      ref: progress.ref ?? ref,
      refText: formatModelRef(progress.ref ?? ref),
      filePath: progress.filePath ?? null,
      fileSha256: progress.fileSha256 ?? null,
      requestedProvider: request.executionProvider.toUpperCase(),
      provider: progress.provider ?? null,
      backend: progress.backend ?? null,
      protocol: request.protocol ?? "GRAPHQL",
      status,
      inputs: request.inputs.map(summary),
      outputs,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      timings: {
        queueMs: progress.queueMs ?? null,
        loadMs: progress.loadMs ?? null,
        runMs: progress.runMs ?? null,
        totalMs: performance.now() - started,
      },
    });
    try {
      const result = await this.execute(ref, request, signal, progress);
      const done = entry("SUCCEEDED", result.outputs.map(summary), null);
      const runId = this.history.record(done);
      this.report(runId, done, request.requestId);
      return { ...result, runId, timings: { ...result.timings, totalMs: performance.now() - started } };
    } catch (error) {
      const known = error instanceof GatewayError;
      if (!known) this.deps.logger.error({ err: error, ref: formatModelRef(ref) }, "inference failed unexpectedly");
      const recorded = known ? error : new InferenceFailed("The gateway failed unexpectedly while running the model.");
      const failed = entry(error instanceof RequestCancelled ? "CANCELLED" : "FAILED", [], recorded);
      this.report(this.history.record(failed), failed, request.requestId);
      throw error;
    }
  }

  /** One log line and the latency metric per run, by the provider that ran it. */
  private report(runId: string, run: InferenceRunEntry, requestId: string | null | undefined): void {
    const provider = run.provider ?? "NONE";
    this.deps.metrics.inferenceDuration.observe({ provider, status: run.status }, run.timings.totalMs / 1000);
    this.deps.logger.info(
      {
        requestId: requestId ?? undefined,
        runId,
        ref: run.refText,
        provider,
        backend: run.backend ?? undefined,
        protocol: run.protocol,
        status: run.status,
        errorCode: run.errorCode ?? undefined,
        durationMs: Math.round(run.timings.totalMs * 10) / 10,
      },
      "inference",
    );
  }

  private async execute(
    asked: ModelRef,
    request: RunInferenceRequest,
    signal: AbortSignal,
    progress: Progress,
  ): Promise<Omit<InferenceResult, "runId">> {
    const wanted = request.executionProvider;
    const remote = request.localOnly ? null : this.deps.remote?.configured ? this.deps.remote : null;
    if (wanted === "remote" && !remote) {
      throw new ExecutionProviderUnavailable(
        request.localOnly
          ? "This call was offloaded here by another gateway, so it runs on this gateway's own execution providers only."
          : "No remote inference backend is configured (INFERENCE_BACKENDS).",
        { field: "executionProvider" },
      );
    }
    let tried: RemoteAttempt[] = [];
    if (remote && (wanted === "remote" || wanted === "auto")) {
      const outcome = await remote.run(asked, request, signal, (backend) => {
        progress.provider = "REMOTE";
        progress.backend = backend;
      });
      if (outcome.run) return this.remoteResult(asked, request, outcome.run, outcome.attempts, progress);
      tried = outcome.attempts;
      progress.provider = undefined;
      progress.backend = undefined;
      if (wanted === "remote") {
        const why =
          tried.map((a) => `${a.backend} ${a.reason}`).join("; ") || "none of their model patterns matches it";
        throw new ExecutionProviderUnavailable(
          `No remote inference backend could run ${formatModelRef(asked)}: ${why}.`,
          { field: "executionProvider" },
        );
      }
    }
    const local = await this.runLocally(
      asked,
      request,
      wanted === "auto" || wanted === "remote" ? "auto" : wanted,
      signal,
      progress,
    );
    return { ...local, attempts: [...tried, ...local.attempts] };
  }

  private remoteResult(
    asked: ModelRef,
    request: RunInferenceRequest,
    run: RemoteRun,
    attempts: RemoteAttempt[],
    progress: Progress,
  ): Omit<InferenceResult, "runId"> {
    const text = (key: string) => (typeof run.parameters[key] === "string" ? (run.parameters[key] as string) : null);
    const refText = formatModelRef(asked);
    progress.filePath = text("model_file") ?? undefined;
    progress.fileSha256 = text("model_file_sha256") ?? undefined;
    progress.loadMs = run.loadMs;
    progress.runMs = run.runMs;
    progress.queueMs = 0;
    return {
      ref: refText,
      file: progress.filePath ?? null,
      fileSha256: progress.fileSha256 ?? null,
      provider: "remote",
      backend: run.backend,
      attempts,
      sessionReused: false,
      outputs: encodeOutputs(run.outputs, request.outputEncoding, this.deps.maxOutputBytes, refText),
      timings: { queueMs: 0, loadMs: run.loadMs, runMs: run.runMs, totalMs: 0 },
    };
  }

  private async runLocally(
    asked: ModelRef,
    request: RunInferenceRequest,
    provider: ProviderRequest,
    signal: AbortSignal,
    progress: Progress,
  ): Promise<Omit<InferenceResult, "runId">> {
    const options = { pull: request.pull, mayPull: request.mayPull, signal };
    const listing = await this.deps.files.list(asked, options);
    const { ref } = listing;
    progress.ref = ref;
    const refText = formatModelRef(ref);
    const file = chooseModelFile(refText, listing.files, request.file);
    progress.filePath = file.path;
    const path = await this.deps.files.locate(ref, file, options);
    const onDisk = await this.identify(path, file);
    progress.fileSha256 = onDisk.sha256;

    const opened = await this.engine.open(onDisk, provider);
    progress.provider = opened.provider.toUpperCase();
    progress.loadMs = opened.loadMs;
    let ran: Awaited<ReturnType<InferenceEngine["run"]>>;
    try {
      const feeds = validateInputs(request.inputs, opened.signature, this.deps.maxInputBytes);
      const fetches = selectOutputs(request.outputs, opened.signature);
      ran = await this.engine.run(opened.session, feeds, fetches);
    } finally {
      this.engine.release(opened.session);
    }
    progress.queueMs = ran.queuedMs;
    progress.runMs = ran.runMs;
    return {
      ref: refText,
      file: file.path,
      fileSha256: onDisk.sha256,
      provider: opened.provider,
      backend: null,
      attempts: opened.attempts,
      sessionReused: opened.reused,
      outputs: encodeOutputs(ran.outputs, request.outputEncoding, this.deps.maxOutputBytes, refText),
      timings: { queueMs: ran.queuedMs, loadMs: opened.loadMs, runMs: ran.runMs, totalMs: 0 },
    };
  }

  /** The file's size and sha256 as its listing gives them, read from disk only where it does not. */
  private async identify(path: string, file: ModelFile): Promise<ModelFileOnDisk> {
    if (file.sha256 !== null && file.sizeBytes !== null)
      return { path, sha256: file.sha256, sizeBytes: file.sizeBytes };
    const stats = await stat(path);
    return { path, sha256: file.sha256 ?? (await this.facts.sha256(path, stats)), sizeBytes: stats.size };
  }
}

function summary(tensor: { name: string; elementType: string; shape: number[] }): TensorSummary {
  return { name: tensor.name, elementType: tensor.elementType, shape: tensor.shape };
}
