import { setTimeout as sleep } from "node:timers/promises";
import { ACTIVE_STATUSES } from "../../db/pull-store.js";
import type { PullProgress } from "../../domain/pull-status.js";

const isActive = (status: string) => (ACTIVE_STATUSES as readonly string[]).includes(status);

/**
 * One subscriber's events of a pull: the current state first, then whatever the process running
 * the pull publishes (here or on another replica, through the progress bus), until a final
 * status. When nothing arrives for `quietMs` the state is read again (the database for another
 * process's pull): a bus that dropped an event, or an owner that died without a last word (its
 * pull is then INTERRUPTED by a sweep), still ends the stream.
 */
export async function* progressStream(
  first: PullProgress,
  live: AsyncIterableIterator<PullProgress>,
  current: () => Promise<PullProgress | null>,
  signal: AbortSignal,
  quietMs: number,
): AsyncGenerator<PullProgress> {
  try {
    let event: PullProgress | null = first;
    let next = live.next();
    while (event) {
      yield event;
      if (!isActive(event.status)) return;
      const quiet = new AbortController();
      const pause = sleep(quietMs, "quiet" as const, { signal: AbortSignal.any([signal, quiet.signal]) }).catch(
        () => "stopped" as const,
      );
      const arrived = await Promise.race([next, pause]);
      quiet.abort();
      if (signal.aborted || arrived === "stopped") return;
      if (arrived === "quiet") event = await current();
      else if (arrived.done) return;
      else {
        event = arrived.value;
        next = live.next();
      }
    }
  } finally {
    await live.return?.();
  }
}
