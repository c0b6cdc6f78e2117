import { pino } from "pino";

/** Structured JSON logs; secrets (tokens, API keys) are redacted wherever they appear. */
export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ["token", "*.token", "headers.authorization", "*.headers.authorization", "apiKey", "*.apiKey"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
