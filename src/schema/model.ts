/**
 * `Model`, `ModelFile`, `TensorSpec` and their enums: what any registry's model looks like in the
 * API, and the `model` and `models` queries that look models up by reference.
 */
import type { GatewayContext } from "../context.js";
import { InvalidInput } from "../domain/errors.js";
import type {
  LanguageModelFacts,
  ModelFile,
  ModelFormat,
  ModelInfo,
  ModelRegistration,
  ModelSummary,
} from "../domain/model.js";
import { formatModelRef, MODEL_REF_FORM, type ModelRef, parseModelRef } from "../domain/model-ref.js";
import { ELEMENT_TYPES, type ElementType, type TensorSpec } from "../domain/tensors.js";
import type { ModelLookup } from "../services/catalog.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";

/** What a Model field resolves from: a search result or a looked-up model. */
export interface ModelView {
  ref: ModelRef;
  summary: ModelSummary;
  /** Full info, when already known; search results load it on demand. */
  lookup: ModelLookup | null;
}

const MAX_REFS = 100;

const FORMAT_DESCRIPTIONS: Record<ModelFormat, string> = {
  ONNX: "ONNX graphs (.onnx), runnable by the gateway.",
  SAFETENSORS: "safetensors weights.",
  PYTORCH: "PyTorch pickles (.bin, .pt).",
  TENSORFLOW: "TensorFlow SavedModel or .h5 weights.",
  TFLITE: "TensorFlow Lite (LiteRT) flatbuffers (.tflite).",
  TFJS: "TensorFlow.js graph or layers models.",
  KERAS: "Keras models (.keras, .h5).",
  JAX: "JAX or Flax checkpoints.",
  GGUF: "GGUF files for llama.cpp and Ollama.",
  OTHER: "Anything else.",
};

export const ModelFormatEnum = describedEnum(
  "ModelFormat",
  "The weight format a model is published in.",
  FORMAT_DESCRIPTIONS,
);

export const TensorElementTypeEnum = describedEnum(
  "TensorElementType",
  "Element type of a tensor, as ONNX defines them.",
  Object.fromEntries(ELEMENT_TYPES.map((type) => [type, `ONNX ${type.toLowerCase()}.`])) as Record<ElementType, string>,
);

const TensorSpecObject = builder.objectRef<TensorSpec>("TensorSpec").implement({
  description: "One input or output of an ONNX model.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The tensor's name in the graph." }),
    elementType: t.field({
      type: TensorElementTypeEnum,
      nullable: true,
      description: "Element type; null for non-tensor values (sequences, maps).",
      resolve: (spec) => spec.elementType,
    }),
    shape: t.field({
      type: ["TensorDimension"],
      nullable: true,
      description:
        'Dimensions, fixed sizes as numbers and symbolic ones by name ("batch"); null when the rank is unknown.',
      resolve: (spec) => spec.shape,
    }),
  }),
});

/** A file of a model, with the model it belongs to (so `alsoAt` can leave that one out). */
export type ModelFileView = ModelFile & { owner: { registry: string; id: string } };

export const ModelFileObject = builder.objectRef<ModelFileView>("ModelFile").implement({
  description: "A file of a model as its registry lists it.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "Path inside the model, with forward slashes." }),
    sizeBytes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Size in bytes, when the registry states it.",
      resolve: (file) => file.sizeBytes,
    }),
    sha256: t.string({
      nullable: true,
      description: "Lower-case hex sha256 of the content, when the registry gives one.",
      resolve: (file) => file.sha256,
    }),
  }),
});

const RegistrationStatusEnum = describedEnum(
  "RegistrationStatus",
  "Where a registered model version stands in its registry's release process.",
  {
    READY: "Registered; its files can be pulled.",
    PENDING: "Still being registered; its files cannot be pulled yet.",
    FAILED: "Its registration failed; its files cannot be pulled.",
  } satisfies Record<ModelRegistration["status"], string>,
);

const ModelRegistrationObject = builder.objectRef<ModelRegistration>("ModelRegistration").implement({
  description: "How a registry with a release process (MLflow) registered this version of the model.",
  fields: (t) => ({
    status: t.field({
      type: RegistrationStatusEnum,
      description: "Whether it can be pulled.",
      resolve: (r) => r.status,
    }),
    statusMessage: t.string({
      nullable: true,
      description: "The registry's words about the status, when it has any.",
      resolve: (r) => r.statusMessage,
    }),
    runId: t.string({
      nullable: true,
      description: "The training run that produced this version, where the registry tracks runs.",
      resolve: (r) => r.runId,
    }),
    source: t.string({
      nullable: true,
      description: "Where its files were registered from (an artifact URI).",
      resolve: (r) => r.source,
    }),
  }),
});

const LanguageModelObject = builder.objectRef<LanguageModelFacts>("LanguageModelFacts").implement({
  description: "What a language model's own configuration says of it (an Ollama config, GGUF metadata).",
  fields: (t) => ({
    family: t.string({
      nullable: true,
      description: 'The architecture family ("llama", "qwen2").',
      resolve: (f) => f.family,
    }),
    parameterSize: t.string({
      nullable: true,
      description: 'Its size as published ("8.0B").',
      resolve: (f) => f.parameterSize,
    }),
    quantization: t.string({
      nullable: true,
      description: 'How its weights are quantized ("Q4_K_M", "F16").',
      resolve: (f) => f.quantization,
    }),
    contextLength: t.int({
      nullable: true,
      description: "The longest context it takes, in tokens.",
      resolve: (f) => f.contextLength,
    }),
  }),
});

const MetadataEntry = builder.objectRef<[string, string]>("MetadataEntry").implement({
  description: "A key/value pair from an ONNX model's metadata_props.",
  fields: (t) => ({
    key: t.string({ description: "The property's key.", resolve: ([key]) => key }),
    value: t.string({ description: "The property's value.", resolve: ([, value]) => value }),
  }),
});

/** Full info for a view: already known, part of the search result, or loaded through the batch loader. */
export async function lookupOf(view: ModelView, ctx: GatewayContext): Promise<ModelLookup> {
  if (view.lookup) return view.lookup;
  if (view.summary.info) return { info: view.summary.info, fetchedAt: new Date(), stale: view.summary.stale === true };
  const loaded = await ModelObject.getDataloader(ctx).load(formatModelRef(view.ref));
  return loaded.lookup as ModelLookup;
}

/** What the model's ONNX file says of itself. */
type Signature = Pick<ModelInfo, "inputs" | "outputs" | "opset"> &
  Partial<Pick<ModelInfo, "irVersion" | "producer" | "metadataProps">>;

/**
 * The signature as the registry gives it, or, for an ONNX model whose registry publishes none
 * (the Hub, zoo entries without io_ports), as its cached file says once it has been pulled.
 */
async function signatureOf(view: ModelView, ctx: GatewayContext): Promise<Signature> {
  const { info } = await lookupOf(view, ctx);
  if (info.inputs !== null || info.format !== "ONNX") return info;
  return (await ctx.services.cache.signature(view.ref)) ?? info;
}

export const ModelObject = builder.loadableObject("Model", {
  description: "A model in one registry, at one revision.",
  load: async (refs: string[], ctx: GatewayContext): Promise<Array<ModelView | Error>> => {
    const parsed = refs.map(parseModelRef);
    const results = await ctx.services.catalog.lookup(parsed, ctx.signal);
    // The registry's spelling of the id (the zoo matches `mnist` to `MNIST`), the revision as asked.
    return results.map((result, i) =>
      result instanceof Error
        ? result
        : { ref: { ...(parsed[i] as ModelRef), id: result.info.id }, summary: result.info, lookup: result },
    );
  },
  fields: (t) => ({
    ref: t.string({
      description: "The reference that names this model: `<registry>:<id>[@<revision>]`.",
      resolve: (view) => formatModelRef(view.ref),
    }),
    registry: t.string({ description: "The registry it comes from.", resolve: (view) => view.summary.registry }),
    id: t.string({ description: "Its id in that registry.", resolve: (view) => view.summary.id }),
    name: t.string({ description: "Display name.", resolve: (view) => view.summary.name }),
    author: t.string({
      nullable: true,
      description: "Author or organisation.",
      resolve: (view) => view.summary.author,
    }),
    description: t.string({
      nullable: true,
      description: "What the model does.",
      resolve: (view) => view.summary.description,
    }),
    task: t.string({
      nullable: true,
      description: 'The task it performs, in Hugging Face pipeline terms ("image-classification").',
      resolve: (view) => view.summary.task,
    }),
    tags: t.stringList({ description: "Tags from the registry.", resolve: (view) => view.summary.tags }),
    format: t.field({ type: ModelFormatEnum, description: "Weight format.", resolve: (view) => view.summary.format }),
    license: t.string({ nullable: true, description: "Licence identifier.", resolve: (view) => view.summary.license }),
    downloads: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Downloads as the registry counts them.",
      resolve: (view) => view.summary.downloads,
    }),
    likes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Likes or stars.",
      resolve: (view) => view.summary.likes,
    }),
    updatedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the model last changed.",
      resolve: (view) => view.summary.updatedAt,
    }),
    sizeBytes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Total size of its files in bytes.",
      resolve: (view) => view.summary.sizeBytes,
    }),
    revision: t.string({
      nullable: true,
      description: "The resolved revision (a commit sha where the registry has commits).",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).info.revision,
    }),
    files: t.field({
      type: [ModelFileObject],
      nullable: true,
      description: "Its files with size and sha256.",
      resolve: async (view, _args, ctx) => {
        const { info } = await lookupOf(view, ctx);
        return info.files.map((file) => ({ ...file, owner: { registry: info.registry, id: info.id } }));
      },
    }),
    inputs: t.field({
      type: [TensorSpecObject],
      nullable: true,
      description:
        "Input tensors of an ONNX model, from its registry or, once pulled, from its file; null when unknown.",
      resolve: async (view, _args, ctx) => (await signatureOf(view, ctx)).inputs,
    }),
    outputs: t.field({
      type: [TensorSpecObject],
      nullable: true,
      description:
        "Output tensors of an ONNX model, from its registry or, once pulled, from its file; null when unknown.",
      resolve: async (view, _args, ctx) => (await signatureOf(view, ctx)).outputs,
    }),
    opset: t.int({
      nullable: true,
      description: "The ai.onnx operator set version an ONNX model needs.",
      resolve: async (view, _args, ctx) => (await signatureOf(view, ctx)).opset,
    }),
    irVersion: t.int({
      nullable: true,
      description: "The ONNX IR version of the model file.",
      resolve: async (view, _args, ctx) => (await signatureOf(view, ctx)).irVersion ?? null,
    }),
    producer: t.string({
      nullable: true,
      description: 'The tool that wrote the ONNX file ("pytorch 2.3").',
      resolve: async (view, _args, ctx) => (await signatureOf(view, ctx)).producer ?? null,
    }),
    metadata: t.field({
      type: [MetadataEntry],
      description: "The ONNX file's metadata_props.",
      resolve: async (view, _args, ctx) => Object.entries((await signatureOf(view, ctx)).metadataProps ?? {}),
    }),
    onnxVersion: t.string({
      nullable: true,
      description: 'The ONNX release the model was exported with ("1.9"), where the registry states it.',
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).info.onnxVersion ?? null,
    }),
    availableRevisions: t.stringList({
      nullable: true,
      description:
        "The revisions the registry offers for this model (the opsets of an ONNX Model Zoo model, lowest first); pass one after @ in the reference. Null where the registry does not list them.",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).info.availableRevisions ?? null,
    }),
    registration: t.field({
      type: ModelRegistrationObject,
      nullable: true,
      description:
        "How the registry registered this version (MLflow: status, run and source); null where the registry has no such process.",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).info.registration ?? null,
    }),
    languageModel: t.field({
      type: LanguageModelObject,
      nullable: true,
      description: "A language model's family, size, quantization and context length, where its registry states them.",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).info.languageModel ?? null,
    }),
    brokenReason: t.string({
      nullable: true,
      description: "Why the model cannot be used (a truncated or non-ONNX file); null when it is sound.",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).info.brokenReason ?? null,
    }),
    cached: t.boolean({
      description:
        "Whether its files are on this machine: a pull of it at this revision succeeded and is still in the cache (always true for the local folder).",
      resolve: (view, _args, { services }) => services.cache.isCached(view.ref),
    }),
    fetchedAt: t.field({
      type: "DateTime",
      description: "When the gateway last read this metadata from the registry.",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).fetchedAt,
    }),
    stale: t.boolean({
      description:
        "True when the registry was unreachable and this is a stored copy (the gateway's, or the registry's own cached index such as the zoo's manifest).",
      resolve: async (view, _args, ctx) => (await lookupOf(view, ctx)).stale,
    }),
  }),
});

/** Validates a reference argument and gives its canonical text (the loader's key). */
function canonicalRef(text: string): string {
  return formatModelRef(parseModelRef(text));
}

builder.queryFields((t) => ({
  model: t.field({
    type: ModelObject,
    nullable: true,
    description: `One model by reference (${MODEL_REF_FORM}). Unknown models answer null with a MODEL_NOT_FOUND error.`,
    args: { ref: t.arg.string({ required: true, description: "The model reference." }) },
    resolve: (_root, { ref }) => canonicalRef(ref),
  }),
  models: t.field({
    type: [ModelObject],
    nullable: { list: false, items: true },
    description: `Several models at once, batched per registry; each missing or malformed one is null with its own error. At most ${MAX_REFS}.`,
    args: {
      refs: t.arg.stringList({ required: true, description: `Model references (${MODEL_REF_FORM}).` }),
    },
    resolve: (_root, { refs }) => {
      if (refs.length > MAX_REFS) {
        throw new InvalidInput(`refs may hold at most ${MAX_REFS} references (got ${refs.length}).`, { field: "refs" });
      }
      // A malformed reference fails only its own item.
      return refs.map((ref) => {
        try {
          return canonicalRef(ref);
        } catch (error) {
          return Promise.reject(error as Error);
        }
      });
    },
  }),
}));
