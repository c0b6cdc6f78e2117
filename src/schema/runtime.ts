/**
 * `runtime`: what this machine can run (execution providers, GPU, sessions, remote backends).
 */
import type { GpuInfo } from "../inference/gpu-info.js";
import type { BackendReport } from "../inference/remote/inference-backends.js";
import type { CachedSession } from "../inference/session-cache.js";
import { type ProviderStatus, type RuntimeStatus, runtimeStatus } from "../services/runtime-status.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import { ExecutionProviderEnum, toProviderEnum } from "./execution-provider.js";

const ProviderStatusObject = builder.objectRef<ProviderStatus>("ExecutionProviderStatus").implement({
  description: "An execution provider of this onnxruntime-node build, and whether it initialises here.",
  fields: (t) => ({
    provider: t.field({
      type: ExecutionProviderEnum,
      description: "The provider.",
      resolve: (p) => toProviderEnum(p.provider),
    }),
    enabled: t.exposeBoolean("enabled", { description: "Whether EXECUTION_PROVIDERS lists it." }),
    built: t.exposeBoolean("built", {
      description: "Whether this onnxruntime-node build knows it (CUDA's libraries are installed separately).",
    }),
    initialized: t.exposeBoolean("initialized", {
      description: "Whether it set itself up and ran a tiny model (checked once per process).",
    }),
    error: t.string({
      nullable: true,
      description: "Why it could not, in ONNX Runtime's words.",
      resolve: (p) => p.error,
    }),
    checkedAt: t.expose("checkedAt", { type: "DateTime", description: "When it was checked." }),
  }),
});

const GpuObject = builder.objectRef<GpuInfo>("Gpu").implement({
  description: "A GPU found on this machine (NVIDIA, through its driver's nvidia-smi).",
  fields: (t) => ({
    name: t.exposeString("name", { description: 'The model, e.g. "NVIDIA H200".' }),
    driverVersion: t.string({ nullable: true, description: "The driver's version.", resolve: (g) => g.driverVersion }),
    memoryBytes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Its memory in bytes.",
      resolve: (g) => g.memoryBytes,
    }),
  }),
});

const CachedSessionObject = builder.objectRef<CachedSession>("CachedSession").implement({
  description: "An ONNX Runtime session kept for one model file and execution provider.",
  fields: (t) => ({
    fileSha256: t.string({ description: "The sha256 of the model file.", resolve: (s) => s.file.sha256 }),
    provider: t.field({
      type: ExecutionProviderEnum,
      description: "Its provider.",
      resolve: (s) => toProviderEnum(s.provider),
    }),
    sizeBytes: t.field({ type: "SafeInt", description: "The model file's size.", resolve: (s) => s.file.sizeBytes }),
    inUse: t.int({ description: "Calls holding it right now.", resolve: (s) => s.users }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", description: "When a call last took it." }),
  }),
});

const SessionCacheObject = builder.objectRef<RuntimeStatus["sessionCache"]>("SessionCache").implement({
  description: "The sessions kept between calls, least recently used first out.",
  fields: (t) => ({
    capacity: t.exposeInt("capacity", { description: "The most sessions kept (SESSION_CACHE_SIZE)." }),
    entries: t.int({ description: "Sessions kept now.", resolve: (c) => c.sessions.length }),
    bytes: t.field({
      type: "SafeInt",
      description: "The size of their model files, which their weights' memory follows.",
      resolve: (c) => c.bytes,
    }),
    openSessions: t.exposeInt("openSessions", {
      description: "Sessions the workers hold open: entries once evicted ones are released.",
    }),
    sessions: t.field({
      type: [CachedSessionObject],
      description: "The sessions, least recently used first.",
      resolve: (c) => c.sessions,
    }),
  }),
});

const BackendStatusEnum = describedEnum(
  "InferenceBackendStatus",
  "What the gateway last learnt of a remote backend's health.",
  {
    UNKNOWN: "Not checked yet.",
    READY: "Its last health check (/v2/health/ready) passed, and no call has failed since.",
    UNAVAILABLE: "Its last check or call failed; calls skip it until a check passes.",
  },
);

const BackendObject = builder.objectRef<BackendReport>("InferenceBackend").implement({
  description: "A remote server speaking the Open Inference Protocol that runInference may use (INFERENCE_BACKENDS).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Its name, as results and history give it." }),
    url: t.exposeString("url", { description: "Its base URL." }),
    models: t.exposeStringList("models", { description: "The globs on model references it serves." }),
    weight: t.exposeFloat("weight", { description: "Its share of calls among the healthy backends serving a model." }),
    status: t.field({ type: BackendStatusEnum, description: "Its health.", resolve: (b) => b.status }),
    error: t.string({ nullable: true, description: "Why it is UNAVAILABLE.", resolve: (b) => b.error }),
    checkedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When its health was last checked (or a call to it failed).",
      resolve: (b) => b.checkedAt,
    }),
    latencyMs: t.float({
      nullable: true,
      description: "Its last health check's round trip.",
      resolve: (b) => b.latencyMs,
    }),
    binaryTensors: t.boolean({
      description: "Whether it takes binary tensors (the binary tensor extension); JSON otherwise.",
      resolve: (b) => b.binary,
    }),
  }),
});

const RuntimeObject = builder.objectRef<RuntimeStatus>("Runtime").implement({
  description: "The inference runtime of this gateway.",
  fields: (t) => ({
    onnxruntimeVersion: t.exposeString("onnxruntimeVersion", { description: "The onnxruntime-node version." }),
    providers: t.field({
      type: [ProviderStatusObject],
      description: "The execution providers this build has or EXECUTION_PROVIDERS names, with their state.",
      resolve: (r) => r.providers,
    }),
    gpu: t.field({
      type: GpuObject,
      nullable: true,
      description: "The first GPU found, when there is one.",
      resolve: (r) => r.gpus[0] ?? null,
    }),
    workers: t.exposeInt("workers", { description: "Worker threads that run sessions (INFERENCE_WORKERS)." }),
    sessionCache: t.field({
      type: SessionCacheObject,
      description: "The session cache.",
      resolve: (r) => r.sessionCache,
    }),
    backends: t.field({
      type: [BackendObject],
      description: "The remote inference backends (INFERENCE_BACKENDS) and their health.",
      resolve: (r) => r.backends,
    }),
  }),
});

builder.queryField("runtime", (t) =>
  t.field({
    type: RuntimeObject,
    description:
      "Execution providers (each checked once), the GPU, the session cache and the remote inference backends.",
    resolve: (_root, _args, { services }) => runtimeStatus(services.inference.engine, services.backends),
  }),
);
