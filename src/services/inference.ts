import { stat } from "node:fs/promises";
import type { InferenceHistory, InferenceRunEntry, TensorSummary } from "../db/inference-history.js";
import { GatewayError, InferenceFailed, InvalidInput, RequestCancelled } from "../errors.js";
import { chooseModelFile } from "../inference/choose-model-file.js";
import type { InferenceEngine, ProviderAttempt, ProviderRequest } from "../inference/inference-engine.js";
import type { ModelFiles } from "../inference/model-files.js";
import { type RunnableElementType, runnableTypeOfOrt, toBase64, toNumbers } from "../inference/tensor-codec.js";
import { selectOutputs, type TensorInput, validateInputs } from "../inference/validate-inputs.js";
import type { WireTensor } from "../inference/worker-protocol.js";
import type { Logger } from "../logger.js";
import { formatModelRef, type ModelRef, parseModelRef } from "../model-ref.js";
import type { Metrics } from "../observability/metrics.js";
import { FileFacts } from "../onnx/file-facts.js";

export type TensorEncoding = "JSON" | "BASE64";

export interface RunInferenceRequest {
  /** A model reference. */
  model: string;
  /** Which .onnx file of the model; null for the usual one (see chooseModelFile). */
  file: string | null;
  inputs: TensorInput[];
  /** Outputs to return; null for all. */
  outputs: string[] | null;
  executionProvider: ProviderRequest;
  outputEncoding: TensorEncoding;
  pull: boolean;
  /** Whether the caller may pull (its key's pull scope). */
  mayPull: boolean;
  /** The HTTP request's id, for the log line. */
  requestId?: string | null;
}

export interface OutputTensor {
  name: string;
  elementType: RunnableElementType;
  shape: number[];
  data: number[] | null;
  base64: string | null;
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
  file: string;
  fileSha256: string;
  provider: ProviderAttempt["provider"];
  attempts: ProviderAttempt[];
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
}

/** What a call learnt before it failed, for its history entry. */
type Progress = Partial<Pick<InferenceRunEntry, "ref" | "filePath" | "fileSha256" | "provider">> & {
  loadMs?: number;
  queueMs?: number;
  runMs?: number;
};

/**
 * The runInference use case: finds the model's file, opens a session on an execution provider,
 * validates the inputs against the model's signature, runs it off the event loop, and records
 * every call with a well-formed model reference in history, failed or not.
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
      const runId = await this.history.record(done);
      this.report(runId, done, request.requestId);
      return { ...result, runId, timings: { ...result.timings, totalMs: performance.now() - started } };
    } catch (error) {
      const known = error instanceof GatewayError;
      if (!known) this.deps.logger.error({ err: error, ref: formatModelRef(ref) }, "inference failed unexpectedly");
      const recorded = known ? error : new InferenceFailed("The gateway failed unexpectedly while running the model.");
      const failed = entry(error instanceof RequestCancelled ? "CANCELLED" : "FAILED", [], recorded);
      this.report(await this.history.record(failed), failed, request.requestId);
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
    const options = { pull: request.pull, mayPull: request.mayPull, signal };
    const listing = await this.deps.files.list(asked, options);
    const { ref } = listing;
    progress.ref = ref;
    const refText = formatModelRef(ref);
    const file = chooseModelFile(refText, listing.files, request.file);
    progress.filePath = file.path;
    const path = await this.deps.files.locate(ref, file, options);
    const stats = await stat(path);
    const sha256 = file.sha256 ?? (await this.facts.sha256(path, stats));
    progress.fileSha256 = sha256;

    const opened = await this.engine.open({ path, sha256, sizeBytes: stats.size }, request.executionProvider);
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
    const outputBytes = ran.outputs.reduce((sum, tensor) => sum + tensor.data.byteLength, 0);
    if (outputBytes > this.deps.maxOutputBytes) {
      throw new GatewayError(
        "OUTPUT_TOO_LARGE",
        `The outputs hold ${outputBytes} bytes, more than INFERENCE_MAX_OUTPUT_BYTES (${this.deps.maxOutputBytes}); ask for fewer outputs or send a smaller input.`,
        { ref: refText, field: "outputs" },
      );
    }
    return {
      ref: refText,
      file: file.path,
      fileSha256: sha256,
      provider: opened.provider,
      attempts: opened.attempts,
      sessionReused: opened.reused,
      outputs: ran.outputs.map((tensor) => encodeOutput(tensor, request.outputEncoding)),
      timings: { queueMs: ran.queuedMs, loadMs: opened.loadMs, runMs: ran.runMs, totalMs: 0 },
    };
  }
}

function encodeOutput(tensor: WireTensor, encoding: TensorEncoding): OutputTensor {
  const elementType = runnableTypeOfOrt(tensor.type);
  if (!elementType)
    throw new InferenceFailed(`Output ${tensor.name} came back as ${tensor.type}, which the gateway cannot return.`);
  const base = { name: tensor.name, elementType, shape: tensor.dims };
  if (encoding === "BASE64") return { ...base, data: null, base64: toBase64(tensor.data) };
  const data = toNumbers(elementType, tensor.data);
  if (!data) {
    throw new InvalidInput(
      `Output ${tensor.name} holds values JSON numbers cannot carry exactly (NaN, ±Infinity, or 64-bit integers beyond ±2^53); ask for outputEncoding: BASE64.`,
      { field: "outputEncoding" },
    );
  }
  return { ...base, data, base64: null };
}

function summary(tensor: { name: string; elementType: string; shape: number[] }): TensorSummary {
  return { name: tensor.name, elementType: tensor.elementType, shape: tensor.shape };
}
