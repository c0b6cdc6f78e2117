/** What one lock guards: a key every replica agrees on, and the lock file of the embedded default. */
export interface LockName {
  /** Names the lock in a shared lock service (Redis): the same on every replica. */
  key: string;
  /** The lock file beside the thing it guards, for the file implementation. */
  file: string;
}

/** Lets go of a held lock. */
export type Release = () => Promise<void>;

/**
 * Mutual exclusion between gateway processes, with a lease: the holder keeps it alive while it
 * runs; a holder that dies (seen by pid on its own host) or goes silent past its lease loses it,
 * so a crash never blocks the next pull for good. Files on one cache folder by default
 * (file-locks.ts), Redis when replicas share one (redis-locks.ts).
 */
export interface Locks {
  /** Waits until this process holds the lock; rejects when `signal` aborts. */
  acquire(name: LockName, signal: AbortSignal): Promise<Release>;
}
