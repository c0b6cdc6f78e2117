import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** Who holds something on disk or in the database: a gateway process, told apart from its restarts. */
export interface Owner {
  host: string;
  pid: number;
  /** New for every holder, so a restarted process that got the same pid is not its predecessor. */
  token: string;
}

/**
 * How long an owner may go unheard (no heartbeat on its pull, no touch of its lock file) before
 * what it holds counts as abandoned, wherever it ran: a process on another host (a recreated
 * container) cannot be checked by pid, only by silence.
 */
export const OWNER_LEASE_MS = 30_000;

/** Tokens held in this process: an owner with our pid but none of these is a dead incarnation's. */
const heldHere = new Set<string>();

/** A new owner in this process, alive until `release`. */
export function claimOwner(): Owner & { release(): void } {
  const owner = { host: hostname(), pid: process.pid, token: randomUUID() };
  heldHere.add(owner.token);
  return { ...owner, release: () => heldHere.delete(owner.token) };
}

/**
 * Whether an owner is certainly gone: a process on this host that no longer runs (or an earlier
 * process that had our pid). An owner on another host cannot be checked and counts as alive.
 */
export function isGone(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !heldHere.has(owner.token);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "EPERM";
  }
}

/** An owner as stored in a file or a column; null when the text is not one. */
export function parseOwner(text: string | null): Owner | null {
  try {
    const value = JSON.parse(text ?? "") as Partial<Owner>;
    return typeof value.host === "string" && typeof value.pid === "number" && typeof value.token === "string"
      ? { host: value.host, pid: value.pid, token: value.token }
      : null;
  } catch {
    return null;
  }
}

export function formatOwner({ host, pid, token }: Owner): string {
  return JSON.stringify({ host, pid, token });
}
