/**
 * `runInference`: its input (tensors as JSON or base64), its typed result and how it maps to
 * the inference service.
 */
import { GatewayError } from "../domain/errors.js";
import { scopesOf } from "../security/authorization.js";
import type { InferenceResult, InferenceTimings, OutputTensor, RunAttempt } from "../services/inference.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import {
  ExecutionProviderChoiceEnum,
  ExecutionProviderEnum,
  fromProviderEnum,
  toProviderEnum,
} from "./execution-provider.js";
import { answeringFailures } from "./gateway-error.js";
import { TensorElementTypeEnum } from "./model.js";

export const TensorEncodingEnum = describedEnum("TensorEncoding", "How tensor values travel.", {
  JSON: "A list of numbers (INT64 within ±2^53; no NaN or Infinity).",
  BASE64: "The raw little-endian bytes in base64: exact and compact, for large tensors.",
});

const TensorInputType = builder.inputType("TensorInput", {
  description: "One input tensor: give exactly one of data or base64.",
  fields: (t) => ({
    name: t.string({ required: true, description: "The model input it feeds." }),
    elementType: t.field({
      type: TensorElementTypeEnum,
      required: true,
      description:
        "Element type; must be the model's (FLOAT32, FLOAT16, FLOAT64, INT64, INT32, INT16, INT8, UINT64, UINT32, UINT16, UINT8 or BOOL).",
    }),
    shape: t.intList({ required: true, description: "Dimensions; fixed ones must match the model's." }),
    data: t.floatList({ description: "The values, row-major (BOOL as 0 or 1, FLOAT16 rounded to half precision)." }),
    base64: t.string({
      description: "The values as raw little-endian bytes in standard base64 (FLOAT16 as IEEE half).",
    }),
  }),
});

const RunInferenceInputType = builder.inputType("RunInferenceInput", {
  description: "What to run, on what, and how to answer.",
  fields: (t) => ({
    model: t.string({ required: true, description: "The model reference: `<registry>:<id>[@<revision>]`." }),
    file: t.string({
      description:
        "Which .onnx file of the model to run; by default model.onnx, then onnx/model.onnx, then the only .onnx file.",
    }),
    inputs: t.field({ type: [TensorInputType], required: true, description: "Every input the model needs." }),
    outputs: t.stringList({ description: "Names of the outputs to return; all of them when left out." }),
    executionProvider: t.field({
      type: ExecutionProviderChoiceEnum,
      defaultValue: "AUTO",
      description: "Where to run it (default AUTO).",
    }),
    outputEncoding: t.field({
      type: TensorEncodingEnum,
      defaultValue: "JSON",
      description: "How outputs come back (default JSON).",
    }),
    pull: t.boolean({
      defaultValue: true,
      description: "Pull the model first when it is not cached (default true); false answers MODEL_NOT_CACHED.",
    }),
  }),
});

const TensorOutputObject = builder.objectRef<OutputTensor>("TensorOutput").implement({
  description: "One output tensor, in the encoding asked for.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The model output's name." }),
    elementType: t.field({ type: TensorElementTypeEnum, description: "Element type.", resolve: (o) => o.elementType }),
    shape: t.exposeIntList("shape", { description: "Dimensions." }),
    data: t.floatList({
      nullable: true,
      description: "The values, row-major, with JSON encoding.",
      resolve: (o) => o.data,
    }),
    base64: t.string({
      nullable: true,
      description: "The raw little-endian bytes, with BASE64 encoding.",
      resolve: (o) => o.base64,
    }),
  }),
});

const ProviderAttemptObject = builder.objectRef<RunAttempt>("ExecutionProviderAttempt").implement({
  description: "An execution provider (or remote backend) considered for the run, in the order tried.",
  fields: (t) => ({
    provider: t.field({
      type: ExecutionProviderEnum,
      description: "The provider.",
      resolve: (a) => toProviderEnum(a.provider),
    }),
    backend: t.string({
      nullable: true,
      description: "The remote backend (INFERENCE_BACKENDS) of a REMOTE attempt; null for local providers.",
      resolve: (a) => ("backend" in a ? a.backend : null),
    }),
    used: t.exposeBoolean("used", { description: "Whether the model ran on it." }),
    reason: t.string({
      nullable: true,
      description: "Why it was skipped, or how it failed before the next was tried; null for the one used.",
      resolve: (a) => a.reason,
    }),
  }),
});

const TimingsObject = builder.objectRef<InferenceTimings>("InferenceTimings").implement({
  description: "Where the time of one inference went, in milliseconds.",
  fields: (t) => ({
    queueMs: t.exposeFloat("queueMs", { description: "Waiting for the session's worker to finish earlier runs." }),
    sessionLoadMs: t.exposeFloat("loadMs", {
      description: "Getting the session: near 0 when cached, its creation (or the wait for it) otherwise.",
    }),
    runMs: t.exposeFloat("runMs", { description: "ONNX Runtime's run, in the worker." }),
    totalMs: t.exposeFloat("totalMs", { description: "The whole call, lookup, validation and history included." }),
  }),
});

const InferenceResultObject = builder.objectRef<InferenceResult>("InferenceResult").implement({
  description: "A model's outputs, and how it ran.",
  fields: (t) => ({
    runId: t.exposeString("runId", { description: "The id of this run in inferenceRuns." }),
    model: t.exposeString("ref", { description: "The model reference, in canonical form." }),
    file: t.exposeString("file", {
      nullable: true,
      description:
        "The .onnx file that ran, as a path inside the model; null when a remote backend ran it without saying (another gateway says).",
    }),
    fileSha256: t.exposeString("fileSha256", { nullable: true, description: "The sha256 of that file, when known." }),
    provider: t.field({
      type: ExecutionProviderEnum,
      description: "The execution provider that ran the model (REMOTE: a remote backend, named in backend).",
      resolve: (r) => toProviderEnum(r.provider),
    }),
    backend: t.exposeString("backend", {
      nullable: true,
      description: "The remote backend (INFERENCE_BACKENDS) that ran the model; null when it ran on this gateway.",
    }),
    providersTried: t.field({
      type: [ProviderAttemptObject],
      description:
        "The remote backends and local providers considered, in order, with why each one not used was skipped or failed.",
      resolve: (r) => r.attempts,
    }),
    sessionReused: t.exposeBoolean("sessionReused", {
      description: "Whether the session came from the cache (or another call's creation) rather than this call.",
    }),
    outputs: t.field({ type: [TensorOutputObject], description: "The outputs asked for.", resolve: (r) => r.outputs }),
    timings: t.field({ type: TimingsObject, description: "Where the time went.", resolve: (r) => r.timings }),
  }),
});

builder.mutationField("runInference", (t) =>
  t.field({
    type: InferenceResultObject,
    description:
      "Runs a model with ONNX Runtime on the best available execution provider, or on a remote Open Inference Protocol backend (REMOTE, or AUTO when one serves the model), falling back to the next backend and then to this gateway. Inputs are checked against the model's signature first; expected failures come back as a GatewayError.",
    args: { input: t.arg({ type: RunInferenceInputType, required: true, description: "The run." }) },
    authScopes: { infer: true },
    errors: {
      types: [GatewayError],
      directResult: true,
      union: { name: "RunInferenceResult", description: "The outputs of a run, or why there are none." },
    },
    resolve: (_root, { input }, context) =>
      answeringFailures(context, async () => {
        const { services, signal } = context;
        await services.mutationLimiter.consume(context, "runInference");
        return services.inference.run(
          {
            model: input.model,
            file: input.file ?? null,
            inputs: input.inputs,
            outputs: input.outputs ?? null,
            executionProvider: fromProviderEnum(input.executionProvider ?? "AUTO"),
            outputEncoding: input.outputEncoding ?? "JSON",
            pull: input.pull ?? true,
            mayPull: scopesOf(context.caller).pull,
            requestId: context.requestId,
          },
          signal,
        );
      }),
  }),
);
