import { open, readFile, stat, unlink, utimes } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { claimOwner, formatOwner, isGone, OWNER_LEASE_MS, parseOwner } from "../process-owner.js";

const POLL_MS = 250;
/** A lock file still empty after this long was left by a process that died while creating it. */
const UNWRITTEN_STALE_MS = 10_000;

/**
 * A lock file per blob (created with O_EXCL), so two gateway processes on one cache never write
 * the same partial file: the second waits and then finds the blob in place. A lock left by a
 * process that died on this host is taken over; one held on another host is waited for. Written
 * here because the lock libraries on npm lock by mkdir plus a refresh timer, which cannot tell a
 * crashed owner from a slow one without a timeout, while a pid check can.
 */
export async function acquireBlobLock(path: string, signal: AbortSignal): Promise<() => Promise<void>> {
  for (;;) {
    signal.throwIfAborted();
    const me = claimOwner();
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(formatOwner(me));
      } finally {
        await handle.close();
      }
      // The lock's mtime is its heartbeat: a holder that stops touching it (on any host) loses it.
      const heartbeat = setInterval(() => {
        const now = new Date();
        utimes(path, now, now).catch(() => undefined);
      }, OWNER_LEASE_MS / 3);
      heartbeat.unref();
      return async () => {
        clearInterval(heartbeat);
        me.release();
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      me.release();
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
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return true; // released since: try again at once
  }
  const owner = parseOwner(text);
  const stats = await stat(path).catch(() => null);
  if (stats === null) return true;
  if (owner) return isGone(owner) || Date.now() - stats.mtimeMs > OWNER_LEASE_MS;
  // Caught between create and write, the writer needs a moment; empty for long, it died there.
  return Date.now() - stats.mtimeMs > UNWRITTEN_STALE_MS;
}
