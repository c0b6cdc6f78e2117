import type { InferenceHistory } from "../db/inference-history.js";
import type { Logger } from "../logger.js";

const EVERY_MS = 3_600_000;

/**
 * Deletes inference runs older than INFERENCE_HISTORY_DAYS, at start and then hourly, so history
 * stays bounded on a gateway that runs for months. Answers a function that stops it.
 */
export function keepHistoryFor(days: number, history: InferenceHistory, logger: Logger): () => void {
  if (days === 0) return () => undefined;
  const prune = () =>
    history.prune(days).then(
      (count) => count > 0 && logger.info({ deleted: count, days }, "deleted old inference runs"),
      (error: unknown) => logger.warn({ err: error }, "old inference runs could not be deleted"),
    );
  void prune();
  const timer = setInterval(prune, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
