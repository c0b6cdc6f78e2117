import type { ExecutionProviderName } from "../config.js";
import { ONNXRUNTIME_VERSION } from "../inference/execution-providers.js";
import { detectGpus, type GpuInfo } from "../inference/gpu-info.js";
import type { InferenceEngine } from "../inference/inference-engine.js";
import type { BackendReport, InferenceBackends } from "../inference/remote/inference-backends.js";
import type { CachedSession } from "../inference/session-cache.js";

export interface ProviderStatus {
  provider: ExecutionProviderName;
  /** Listed in EXECUTION_PROVIDERS. */
  enabled: boolean;
  /** Part of this onnxruntime-node build. */
  built: boolean;
  initialized: boolean;
  error: string | null;
  checkedAt: Date;
}

export interface RuntimeStatus {
  onnxruntimeVersion: string;
  providers: ProviderStatus[];
  gpus: GpuInfo[];
  workers: number;
  sessionCache: {
    capacity: number;
    sessions: CachedSession[];
    bytes: number;
    /** Sessions the workers hold open; equals sessions.length once queued releases are done. */
    openSessions: number;
  };
  /** The remote inference backends (INFERENCE_BACKENDS) and their health. */
  backends: BackendReport[];
}

/** What the `runtime` query shows: providers (each checked once), the GPU, the session cache and the remote backends. */
export async function runtimeStatus(engine: InferenceEngine, backends: InferenceBackends): Promise<RuntimeStatus> {
  const { providers, cache } = engine;
  const names = [...new Set([...providers.built, ...providers.enabled])];
  const [checks, gpus, openSessions] = await Promise.all([
    Promise.all(names.map((name) => providers.check(name))),
    detectGpus(),
    engine.openSessions(),
  ]);
  const sessions = cache.list();
  return {
    onnxruntimeVersion: ONNXRUNTIME_VERSION,
    providers: names.map((provider, i) => ({
      provider,
      enabled: providers.enabled.includes(provider),
      built: providers.built.includes(provider),
      ...(checks[i] as Awaited<ReturnType<typeof providers.check>>),
    })),
    gpus,
    workers: engine.pool.size,
    sessionCache: {
      capacity: cache.capacity,
      sessions,
      bytes: sessions.reduce((sum, session) => sum + session.file.sizeBytes, 0),
      openSessions,
    },
    backends: backends.report(),
  };
}
