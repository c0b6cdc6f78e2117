import type { ExecutionProviderName } from "../config.js";
import type { TensorSpec } from "../domain/tensors.js";
import type { OrtElementType, TensorData } from "./tensor-codec.js";

/** A model's inputs and outputs as the loaded session reports them. */
export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** A tensor crossing the thread boundary; its buffer is transferred, not copied. */
export interface WireTensor {
  name: string;
  type: OrtElementType;
  dims: number[];
  data: TensorData;
}

/** What the main thread asks a session worker, and what each call answers. */
export interface WorkerCalls {
  /** Creates and runs a tiny session with the provider, to learn whether it initialises here. */
  probe: { args: { provider: ExecutionProviderName }; result: null };
  load: { args: { id: string; path: string; provider: ExecutionProviderName }; result: Signature };
  run: {
    args: { id: string; feeds: WireTensor[]; fetches: string[] };
    result: { outputs: WireTensor[]; runMs: number };
  };
  release: { args: { id: string }; result: null };
  /** How many sessions the worker holds open. */
  count: { args: Record<string, never>; result: number };
}

export type CallName = keyof WorkerCalls;

export interface WorkerRequest<C extends CallName = CallName> {
  id: number;
  call: C;
  args: WorkerCalls[C]["args"];
}

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** What a worker is started with. */
export interface WorkerSettings {
  /** onnxruntime's own log level: "fatal" keeps errors it also throws off stderr. */
  ortLogLevel: "verbose" | "info" | "warning" | "error" | "fatal";
  /** Threads each session computes with (INFERENCE_THREADS). */
  intraOpThreads: number;
}

/** The buffers of tensors, for a postMessage transfer list. */
export function buffersOf(tensors: readonly WireTensor[]): ArrayBuffer[] {
  return [...new Set(tensors.map((tensor) => tensor.data.buffer as ArrayBuffer))];
}
