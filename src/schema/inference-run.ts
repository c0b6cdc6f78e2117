/**
 * Inference history: `InferenceRun` (one runInference or OIP call, never its tensor values) and
 * the paged `inferenceRuns` query.
 */
import type { ErrorCode } from "../domain/errors.js";
import { parseModelRef } from "../domain/model-ref.js";
import type { ElementType, TensorSummary } from "../domain/tensors.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import { ErrorCodeEnum } from "./error-code.js";
import { ExecutionProviderChoiceEnum, ExecutionProviderEnum } from "./execution-provider.js";
import { TensorElementTypeEnum } from "./model.js";
import { checkPageSize, MAX_HISTORY_PAGE } from "./page-size.js";

const InferenceRunStatusEnum = describedEnum("InferenceRunStatus", "How an inference call ended.", {
  SUCCEEDED: "The model ran and its outputs were returned.",
  FAILED: "It failed; errorCode and errorMessage say why.",
  CANCELLED: "Its client went away (or cancelled) before it ended.",
});

const InferenceProtocolEnum = describedEnum("InferenceProtocol", "How an inference call reached the gateway.", {
  GRAPHQL: "The runInference mutation.",
  OIP: "The Open Inference Protocol's REST endpoints under /v2 (KServe and Triton clients).",
});

const TensorSummaryObject = builder.objectRef<TensorSummary>("TensorSummary").implement({
  description: "A tensor's name, element type and shape, as history keeps them (never the values).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The tensor's name." }),
    elementType: t.field({
      type: TensorElementTypeEnum,
      description: "Element type.",
      resolve: (tensor) => tensor.elementType as ElementType,
    }),
    shape: t.exposeIntList("shape", { description: "Dimensions." }),
  }),
});

const InferenceRunObject = builder.prismaObject("InferenceRun", {
  description: "One runInference call, as history keeps it.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The run's id (runInference's runId)." }),
    model: t.exposeString("ref", { description: "The model reference as asked for, in canonical form." }),
    registry: t.exposeString("registry", { description: "The model's registry." }),
    modelId: t.exposeString("modelId", { description: "The model's id in that registry." }),
    revision: t.exposeString("revision", { nullable: true, description: "The revision asked for, if any." }),
    file: t.exposeString("filePath", { nullable: true, description: "The .onnx file chosen, once it was." }),
    fileSha256: t.exposeString("fileSha256", { nullable: true, description: "The sha256 of that file." }),
    requestedProvider: t.field({
      type: ExecutionProviderChoiceEnum,
      description: "The execution provider asked for.",
      resolve: (run) => run.requestedProvider as typeof ExecutionProviderChoiceEnum.$inferType,
    }),
    provider: t.field({
      type: ExecutionProviderEnum,
      nullable: true,
      description: "The execution provider that ran it (or was about to), once one was chosen.",
      resolve: (run) => run.provider as typeof ExecutionProviderEnum.$inferType | null,
    }),
    backend: t.exposeString("backend", {
      nullable: true,
      description: "The remote backend (INFERENCE_BACKENDS) that ran it, or was running it when it failed.",
    }),
    protocol: t.field({
      type: InferenceProtocolEnum,
      description: "How the call came: runInference (GRAPHQL) or the Open Inference Protocol (OIP).",
      resolve: (run) => run.protocol as "GRAPHQL" | "OIP",
    }),
    status: t.field({
      type: InferenceRunStatusEnum,
      description: "How it ended.",
      resolve: (run) => run.status as "SUCCEEDED" | "FAILED" | "CANCELLED",
    }),
    inputs: t.field({
      type: [TensorSummaryObject],
      description: "The inputs sent: names, types and shapes.",
      resolve: (run) => run.inputs as unknown as TensorSummary[],
    }),
    outputs: t.field({
      type: [TensorSummaryObject],
      description: "The outputs returned (empty when it failed).",
      resolve: (run) => run.outputs as unknown as TensorSummary[],
    }),
    errorCode: t.field({
      type: ErrorCodeEnum,
      nullable: true,
      description: "Why it failed.",
      resolve: (run) => run.errorCode as ErrorCode | null,
    }),
    errorMessage: t.exposeString("errorMessage", { nullable: true, description: "Why it failed, for people." }),
    queueMs: t.exposeFloat("queueMs", { nullable: true, description: "Waiting for the session's worker, in ms." }),
    sessionLoadMs: t.exposeFloat("loadMs", { nullable: true, description: "Getting the session, in ms." }),
    runMs: t.exposeFloat("runMs", { nullable: true, description: "ONNX Runtime's run, in ms." }),
    totalMs: t.exposeFloat("totalMs", { nullable: true, description: "The whole call, in ms." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the call was made." }),
  }),
});

builder.queryField("inferenceRuns", (t) =>
  t.prismaConnection(
    {
      type: InferenceRunObject,
      cursor: "id",
      defaultSize: 20,
      maxSize: MAX_HISTORY_PAGE,
      description: "Inference history, newest first.",
      args: {
        model: t.arg.string({
          description: "Only runs of this model reference (of any revision unless it names one).",
        }),
      },
      resolve: (query, _root, args, { services }) => {
        checkPageSize(args);
        return services.inference.history.find(query, args.model ? parseModelRef(args.model) : null);
      },
    },
    { name: "InferenceRunConnection", description: "A page of inference history." },
    { name: "InferenceRunEdge", description: "One inference run and the cursor after it." },
  ),
);
