import { randomUUID } from "node:crypto";
import { open, readFile, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

interface LockOwner {
  host: string;
  pid: number;
  token: string;
}

/** Tokens of the locks this process holds: a lock file naming our pid but none of these is a dead incarnation's. */
const heldHere = new Set<string>();

const POLL_MS = 250;
const UNWRITTEN_STALE_MS = 10_000;

/**
 * A lock file per blob (created with O_EXCL), so two gateway processes on one cache never write
 * the same partial file: the second waits and then finds the blob in place. A lock left by a
 * process that died on this host is taken over; one held on another host is waited for. Written
 * here because the lock libraries on npm lock by mkdir plus a refresh timer, which cannot tell a
 * crashed owner from a slow one without a timeout, while a pid check can.
 */
export async function acquireBlobLock(path: string, signal: AbortSignal): Promise<() => Promise<void>> {
  const me: LockOwner = { host: hostname(), pid: process.pid, token: randomUUID() };
  for (;;) {
    signal.throwIfAborted();
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      heldHere.add(me.token);
      return async () => {
        heldHere.delete(me.token);
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await isStale(path)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    await sleep(POLL_MS, undefined, { signal });
  }
}

async function isStale(path: string): Promise<boolean> {
  let owner: LockOwner;
  try {
    owner = JSON.parse(await readFile(path, "utf8")) as LockOwner;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true; // released since: retry at once
    // Caught between create and write, the writer needs a moment; empty for long, it died there.
    const stats = await stat(path).catch(() => null);
    return stats === null || Date.now() - stats.mtimeMs > UNWRITTEN_STALE_MS;
  }
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !heldHere.has(owner.token);
  return !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
