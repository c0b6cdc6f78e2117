import pLimit, { type LimitFunction } from "p-limit";

/** Where a transfer's bytes come from: a file of a model (the same bytes may be in several). */
export interface TransferSource {
  /** The model reference, at the resolved revision. */
  ref: string;
  path: string;
}

/** What one waiter on a transfer hears while it runs. */
export interface TransferListener {
  /** Bytes of the file on disk so far. */
  onProgress(bytes: number): void;
  /** An attempt failed and the transfer tries again. */
  onRetry(error: Error): void;
  /** The transfer (re)starts from this source: its first, or another after a failover. */
  onSource(source: TransferSource): void;
}

export type TransferTask<T> = (signal: AbortSignal, events: TransferListener) => Promise<T>;

interface Transfer {
  controller: AbortController;
  listeners: Set<TransferListener>;
  /** Bytes on disk; null while the transfer waits for a slot. */
  bytes: number | null;
  result: Promise<unknown>;
}

/**
 * Runs at most `concurrency` transfers at once, and lets every request for a key that is already
 * transferring wait on that transfer instead of starting another: eight pulls of one model make
 * one download per file. A transfer stops only when every waiter has given up on it.
 */
export class SharedTransfers {
  private readonly limit: LimitFunction;
  private readonly transfers = new Map<string, Transfer>();

  constructor(concurrency: number) {
    this.limit = pLimit(concurrency);
  }

  run<T>(key: string, task: TransferTask<T>, listener: TransferListener, signal: AbortSignal): Promise<T> {
    const transfer = this.transfers.get(key) ?? this.start(key, task);
    transfer.listeners.add(listener);
    if (transfer.bytes !== null) listener.onProgress(transfer.bytes);
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        transfer.listeners.delete(listener);
        signal.removeEventListener("abort", giveUp);
      };
      const giveUp = () => {
        leave();
        if (transfer.listeners.size === 0) transfer.controller.abort(signal.reason);
        reject(signal.reason);
      };
      if (signal.aborted) return giveUp();
      signal.addEventListener("abort", giveUp, { once: true });
      transfer.result.then(
        (value) => {
          leave();
          resolve(value as T);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  /** Stops every transfer (the gateway is closing); queued ones stop as soon as they get a slot. */
  abortAll(reason: unknown): void {
    for (const transfer of this.transfers.values()) transfer.controller.abort(reason);
  }

  private start<T>(key: string, task: TransferTask<T>): Transfer {
    const controller = new AbortController();
    const listeners = new Set<TransferListener>();
    const transfer: Transfer = { controller, listeners, bytes: null, result: Promise.resolve() };
    const events: TransferListener = {
      onProgress(bytes) {
        transfer.bytes = bytes;
        for (const listener of listeners) listener.onProgress(bytes);
      },
      onRetry(error) {
        for (const listener of listeners) listener.onRetry(error);
      },
      onSource(source) {
        for (const listener of listeners) listener.onSource(source);
      },
    };
    transfer.result = this.limit(() => {
      controller.signal.throwIfAborted();
      return task(controller.signal, events);
    }).finally(() => {
      if (this.transfers.get(key) === transfer) this.transfers.delete(key);
    });
    // Waiters that gave up have stopped listening; the outcome still must not go unhandled.
    transfer.result.catch(() => undefined);
    this.transfers.set(key, transfer);
    return transfer;
  }
}
