interface Shared<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
}

/**
 * Runs identical concurrent operations once: a caller that asks for a key already in flight
 * waits for that operation's result instead of starting another. Each caller keeps its own
 * AbortSignal: aborting leaves the others waiting, and the shared operation is aborted only when
 * every caller has given up. (Hand-written: the usual memoizers share results but not cancellation.)
 */
export class InFlight<T> {
  private readonly pending = new Map<string, Shared<T>>();

  run(key: string, signal: AbortSignal, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    let shared = this.pending.get(key);
    if (!shared) {
      const controller = new AbortController();
      const started: Shared<T> = { controller, waiting: 0, promise: operation(controller.signal) };
      const forget = () => {
        if (this.pending.get(key) === started) this.pending.delete(key);
      };
      started.promise.then(forget, forget);
      this.pending.set(key, started);
      shared = started;
    }
    return this.wait(key, shared, signal);
  }

  private wait(key: string, shared: Shared<T>, signal: AbortSignal): Promise<T> {
    shared.waiting++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        shared.waiting--;
        outcome();
      };
      const onAbort = () => {
        settle(() => reject(signal.reason));
        if (shared.waiting > 0) return;
        if (this.pending.get(key) === shared) this.pending.delete(key);
        shared.controller.abort(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      shared.promise.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }
}
