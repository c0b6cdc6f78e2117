import { acquireBlobLock } from "../cache/blob-lock.js";
import type { LockName, Locks, Release } from "./locks.js";

/** Lock files (O_EXCL, a pid and an mtime lease): the embedded default, and replicas sharing one cache folder. */
export class FileLocks implements Locks {
  acquire(name: LockName, signal: AbortSignal): Promise<Release> {
    return acquireBlobLock(name.file, signal);
  }
}
