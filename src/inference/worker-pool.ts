import { Worker } from "node:worker_threads";
import { InferenceFailed } from "../domain/errors.js";
import type { CallName, WorkerCalls, WorkerReply, WorkerRequest, WorkerSettings } from "./worker-protocol.js";

export interface CallResult<T> {
  value: T;
  /** How long the call waited for its worker to finish earlier calls. */
  queuedMs: number;
}

interface Job {
  request: WorkerRequest;
  transfer: ArrayBuffer[];
  enqueuedAt: number;
  queuedMs: number;
  resolve(result: CallResult<unknown>): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker | null;
  queue: Job[];
  busy: Job | null;
}

/**
 * A fixed set of session workers, started on first use. Each worker runs one call at a time, in
 * the order asked; calls name their worker because a session lives in exactly one of them.
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private nextId = 1;
  private closed = false;

  constructor(
    size: number,
    private readonly settings: WorkerSettings,
    /** Told when a worker dies with its sessions, so the cache can forget them. */
    private readonly onWorkerLost: (index: number) => void = () => {},
  ) {
    this.slots = Array.from({ length: size }, () => ({ worker: null, queue: [], busy: null }));
  }

  get size(): number {
    return this.slots.length;
  }

  isStarted(index: number): boolean {
    return Boolean(this.slots[index]?.worker);
  }

  call<C extends CallName>(
    index: number,
    call: C,
    args: WorkerCalls[C]["args"],
    transfer: ArrayBuffer[] = [],
  ): Promise<CallResult<WorkerCalls[C]["result"]>> {
    const slot = this.slots[index];
    if (!slot) throw new RangeError(`no worker ${index}`);
    if (this.closed) return Promise.reject(new InferenceFailed("The gateway is shutting down."));
    return new Promise((resolve, reject) => {
      const request: WorkerRequest = { id: this.nextId++, call, args };
      slot.queue.push({
        request,
        transfer,
        enqueuedAt: performance.now(),
        queuedMs: 0,
        resolve: resolve as Job["resolve"],
        reject,
      });
      this.dispatch(index);
    });
  }

  /** Stops every worker; their sessions are freed with them. */
  async close(): Promise<void> {
    this.closed = true;
    const stopping = new InferenceFailed("The gateway is shutting down.");
    await Promise.all(
      this.slots.map(async (slot) => {
        for (const job of [...(slot.busy ? [slot.busy] : []), ...slot.queue.splice(0)]) job.reject(stopping);
        slot.busy = null;
        const worker = slot.worker;
        slot.worker = null;
        await worker?.terminate();
      }),
    );
  }

  private dispatch(index: number): void {
    const slot = this.slots[index] as Slot;
    if (slot.busy || slot.queue.length === 0) return;
    const job = slot.queue.shift() as Job;
    slot.busy = job;
    slot.worker ??= this.start(index);
    job.queuedMs = performance.now() - job.enqueuedAt;
    slot.worker.postMessage(job.request, job.transfer);
  }

  private start(index: number): Worker {
    const worker = startSessionWorker(this.settings);
    worker.on("message", (reply: WorkerReply) => {
      const slot = this.slots[index] as Slot;
      const job = slot.busy;
      if (!job || job.request.id !== reply.id) return;
      slot.busy = null;
      if (reply.ok) job.resolve({ value: reply.value, queuedMs: job.queuedMs });
      else job.reject(new Error(reply.message));
      this.dispatch(index);
    });
    worker.on("error", (error) => this.lose(index, worker, error.message));
    worker.on("exit", (code) => this.lose(index, worker, `it exited with code ${code}`));
    return worker;
  }

  /** A worker died: its calls fail, its sessions are gone, and the next call starts a new one. */
  private lose(index: number, worker: Worker, why: string): void {
    const slot = this.slots[index] as Slot;
    if (slot.worker !== worker) return;
    slot.worker = null;
    const failure = new InferenceFailed(`The inference worker stopped: ${why}`);
    for (const job of [...(slot.busy ? [slot.busy] : []), ...slot.queue.splice(0)]) job.reject(failure);
    slot.busy = null;
    this.onWorkerLost(index);
  }
}

/**
 * Compiled, the worker is a plain .js file. From TypeScript sources (tsx, vitest) Node 20 cannot
 * start a worker on a .ts file even with a loader registered, so the worker registers tsx first.
 */
function startSessionWorker(settings: WorkerSettings): Worker {
  const compiled = !import.meta.url.endsWith(".ts");
  const entry = new URL(compiled ? "./session-worker.js" : "./session-worker.ts", import.meta.url);
  if (compiled) return new Worker(entry, { workerData: settings });
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}
