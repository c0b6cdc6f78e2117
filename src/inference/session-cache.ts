import type { ExecutionProviderName } from "../config.js";
import type { WorkerPool } from "./worker-pool.js";
import type { Signature } from "./worker-protocol.js";

/** One model file as the cache keys it: the same content shares a session, whatever its path. */
export interface ModelFileOnDisk {
  path: string;
  sha256: string;
  sizeBytes: number;
}

/** A session that lives in one worker; hold it from acquire to release. */
export interface CachedSession {
  readonly key: string;
  /** The session's name in its worker: unique, so a release never meets a later session of the same key. */
  readonly id: string;
  readonly worker: number;
  readonly file: ModelFileOnDisk;
  readonly provider: ExecutionProviderName;
  readonly ready: Promise<Signature>;
  users: number;
  lastUsedAt: Date;
}

/**
 * Sessions per model file and execution provider, at most `capacity` of them, least recently used
 * first out. Concurrent first calls share one creation; an evicted session is released in its
 * worker once nobody holds it; a session still held is never released under its user.
 */
export class SessionCache {
  /** In use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, CachedSession>();
  private created = 0;

  constructor(
    private readonly pool: WorkerPool,
    readonly capacity: number,
  ) {}

  /** The session for the file and provider, created when missing; `reused` when this call did not create it. */
  async acquire(
    file: ModelFileOnDisk,
    provider: ExecutionProviderName,
  ): Promise<{ session: CachedSession; signature: Signature; reused: boolean }> {
    const key = `${file.sha256}:${provider}`;
    const existing = this.entries.get(key);
    const session = existing ?? this.create(key, file, provider);
    this.entries.delete(key);
    this.entries.set(key, session);
    session.users++;
    session.lastUsedAt = new Date();
    this.evictOverflow();
    try {
      return { session, signature: await session.ready, reused: existing !== undefined };
    } catch (error) {
      this.release(session);
      throw error;
    }
  }

  release(session: CachedSession): void {
    session.users--;
    this.evictOverflow();
  }

  list(): CachedSession[] {
    return [...this.entries.values()];
  }

  /** Forgets the sessions of a worker that died (they died with it). */
  dropWorker(worker: number): void {
    for (const [key, session] of this.entries) if (session.worker === worker) this.entries.delete(key);
  }

  private create(key: string, file: ModelFileOnDisk, provider: ExecutionProviderName): CachedSession {
    const worker = this.leastLoadedWorker();
    const id = `${key}#${++this.created}`;
    const ready = this.pool.call(worker, "load", { id, path: file.path, provider }).then((result) => result.value);
    const session: CachedSession = { key, id, worker, file, provider, ready, users: 0, lastUsedAt: new Date() };
    // A failed creation is forgotten, so the next call tries again (the file may have been fixed).
    ready.catch(() => {
      if (this.entries.get(key) === session) this.entries.delete(key);
    });
    return session;
  }

  private evictOverflow(): void {
    for (const [key, session] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (session.users > 0) continue;
      this.entries.delete(key);
      // A release queues behind the worker's earlier calls, so it never cuts a run short.
      session.ready.then(
        () => this.pool.call(session.worker, "release", { id: session.id }).catch(() => {}),
        () => {},
      );
    }
  }

  private leastLoadedWorker(): number {
    const counts = Array.from({ length: this.pool.size }, () => 0);
    for (const session of this.entries.values()) counts[session.worker] = (counts[session.worker] ?? 0) + 1;
    return counts.indexOf(Math.min(...counts));
  }
}
