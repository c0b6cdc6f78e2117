import type { YogaLogger } from "graphql-yoga";
import { GatewayError } from "../domain/errors.js";
import type { Logger } from "../logger.js";

/**
 * graphql-yoga's logger on top of pino. Yoga logs every error it masks at error level with its
 * stack; a client's mistake (a bad reference, a missing model) is an expected failure with a code,
 * worth a debug line, while anything unexpected keeps its error line and stack for operators.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const write =
    (level: "debug" | "info" | "warn") =>
    (message: unknown, ...rest: unknown[]) =>
      logger[level]({ details: rest.length > 0 ? rest : undefined }, String(message));
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error(error: unknown) {
      const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
      if (original instanceof GatewayError) {
        logger.debug({ code: original.code, message: original.message }, "expected failure answered");
      } else {
        logger.error({ err: error }, "unexpected failure (answered as INTERNAL_SERVER_ERROR)");
      }
    },
  };
}
