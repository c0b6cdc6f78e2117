import { InvalidInput } from "../domain/errors.js";
import { formatModelRef, type ModelRef } from "../domain/model-ref.js";
import { BackendFailure } from "../inference/remote/backend-failure.js";
import { decodeInferAnswer, encodeInferRequest } from "../inference/remote/infer-codec.js";
import type { InferenceBackends } from "../inference/remote/inference-backends.js";
import { selectOutputs, type TensorInput, validateInputs } from "../inference/validate-inputs.js";
import type { Signature, WireTensor } from "../inference/worker-protocol.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { OipParameters } from "../oip/wire-schemas.js";

/** A remote backend considered for a call: the one that ran it, or one skipped or failed, and why. */
export interface RemoteAttempt {
  provider: "remote";
  backend: string;
  used: boolean;
  reason: string | null;
}

/** A run on a remote backend. */
export interface RemoteRun {
  backend: string;
  outputs: WireTensor[];
  /** The answer's parameters (a gateway backend says there which file and provider ran). */
  parameters: OipParameters;
  /** Learning the model's signature there (its metadata; near 0 when remembered). */
  loadMs: number;
  /** The inference call's round trip. */
  runMs: number;
}

/**
 * Runs a call on the remote backends that serve its model, in their order: each healthy one is
 * asked for the model's signature (remembered for a while), the inputs are validated against it
 * as they would be locally, and the tensors go out in binary when the backend takes them. A
 * backend that fails or times out is marked down (so the next calls skip it) and the next one is
 * tried; every backend considered is reported. A backend refusing the inputs ends the call.
 */
export class RemoteInference {
  constructor(
    private readonly backends: InferenceBackends,
    private readonly limits: { maxInputBytes: number; maxOutputBytes: number },
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  get configured(): boolean {
    return this.backends.all.length > 0;
  }

  async run(
    ref: ModelRef,
    request: { inputs: readonly TensorInput[]; outputs: readonly string[] | null },
    signal: AbortSignal,
    /** Told which backend is being tried, for the call's history entry if it fails there. */
    trying: (backend: string) => void,
  ): Promise<{ run: RemoteRun | null; attempts: RemoteAttempt[] }> {
    const attempts: RemoteAttempt[] = [];
    for (const { backend, model } of this.backends.candidates(ref)) {
      const skip = (reason: string) =>
        attempts.push({ provider: "remote", backend: backend.name, used: false, reason });
      if (backend.state.status === "UNKNOWN") await backend.check();
      if (backend.state.status === "UNAVAILABLE") {
        skip(`unavailable since ${backend.state.checkedAt?.toISOString()}: ${backend.state.error}`);
        continue;
      }
      trying(backend.name);
      const started = performance.now();
      try {
        const known = await backend.model(model, signal);
        if (!known.ready) {
          skip(`model ${model.name} is not ready there`);
          continue;
        }
        const { feeds, fetches } = prepare(request, known.signature, this.limits.maxInputBytes);
        const loaded = performance.now();
        const body = encodeInferRequest(feeds, fetches, backend.state.binary);
        const maxBytes = backend.state.binary
          ? this.limits.maxOutputBytes + 2 ** 22
          : this.limits.maxOutputBytes * 8 + 2 ** 20;
        const answer = await backend.client.infer(
          model,
          { ...body, timeoutMs: backend.config.timeoutMs, maxBytes },
          signal,
        );
        const { outputs, parameters } = decodeInferAnswer(answer, fetches);
        attempts.push({ provider: "remote", backend: backend.name, used: true, reason: null });
        const run = {
          backend: backend.name,
          outputs,
          parameters,
          loadMs: loaded - started,
          runMs: performance.now() - loaded,
        };
        return { run, attempts };
      } catch (error) {
        if (!(error instanceof BackendFailure)) throw error;
        if (error.kind === "bad-input") {
          throw new InvalidInput(`Inference backend ${backend.name} refused the inputs: ${error.message}.`, {
            ref: formatModelRef(ref),
            field: "inputs",
          });
        }
        this.metrics.inferenceBackendFailures.inc({ backend: backend.name, kind: error.kind });
        if (error.backendDown) {
          backend.markDown(error.message);
          this.logger.warn({ backend: backend.name, error: error.message }, "inference backend failed; skipping it");
        }
        skip(`failed: ${error.message}`);
      }
    }
    return { run: null, attempts };
  }
}

/**
 * The tensors to send and the outputs to ask for, checked against the backend's signature. A
 * backend whose metadata lists no inputs (custom MLServer runtimes) gets the inputs as they are,
 * checked only for their own consistency; one that lists no outputs is asked for all of them
 * (an empty list of fetches), or for those the call names.
 */
function prepare(
  request: { inputs: readonly TensorInput[]; outputs: readonly string[] | null },
  signature: Signature,
  maxInputBytes: number,
): { feeds: WireTensor[]; fetches: string[] } {
  const stated =
    signature.inputs.length > 0
      ? signature
      : {
          ...signature,
          inputs: request.inputs.map((input) => ({ name: input.name, elementType: input.elementType, shape: null })),
        };
  const feeds = validateInputs(request.inputs, stated, maxInputBytes);
  const fetches =
    signature.outputs.length > 0 ? selectOutputs(request.outputs, signature) : [...(request.outputs ?? [])];
  return { feeds, fetches };
}
