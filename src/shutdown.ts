import type { Server } from "node:http";
import type { App } from "./app.js";

/** Time allowed to stop before the process gives up and exits with 1. */
const SHUTDOWN_TIMEOUT_MS = 9_000;

/**
 * On SIGTERM or SIGINT: stop accepting connections, end the idle ones, interrupt running pulls
 * (INTERRUPTED, resumable from their partial files), release inference sessions, close the
 * database, end the connections still open (progress streams), and exit 0 — or exit 1 if that
 * takes more than SHUTDOWN_TIMEOUT_MS, so a supervisor never waits on a stuck gateway.
 */
export function stopOnSignals(server: Server, app: App): void {
  const { logger } = app.services;
  const stop = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, "shutdown took too long; exiting anyway");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    server.close();
    server.closeIdleConnections();
    try {
      await app.close();
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
    server.closeAllConnections();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", (signal) => void stop(signal));
  process.once("SIGINT", (signal) => void stop(signal));
}
