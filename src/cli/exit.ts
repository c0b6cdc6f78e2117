import { NetworkError } from "graphql-sse";
import { GatewayRequestError } from "../client/gateway-client.js";

/** The exit codes scripts can rely on; README "Command line" documents them. */
export const EXIT = {
  ok: 0,
  /** The gateway refused the request or the work failed; stderr names its code. */
  failed: 1,
  /** The command line itself is wrong: an unknown option, a bad value, an unreadable input file. */
  usage: 2,
  /** Nothing answered at --url. */
  unreachable: 3,
  /** Ctrl-C (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

/** A mistake in the command line or its input files, found before the gateway is asked: exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The gateway answered with a typed refusal (a GatewayError result, a failed pull): exit 1 with its code. */
export class GatewayRefusal extends Error {
  override name = "GatewayRefusal";

  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What a command's failure tells the user, and the exit code it ends with. */
export interface Failure {
  exitCode: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/**
 * Sorts any failure into the documented exit codes: the client's errors carry the gateway's code
 * (UNREACHABLE when nothing answered), graphql-sse's NetworkError is a broken progress stream.
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return failure(EXIT.usage, "USAGE", error.message);
  if (error instanceof GatewayRefusal) return failure(EXIT.failed, error.code, error.message, error.details);
  if (error instanceof GatewayRequestError) {
    const extensions = { ...error.errors[0]?.extensions };
    delete extensions.code;
    return failure(
      error.code === "UNREACHABLE" ? EXIT.unreachable : EXIT.failed,
      error.code,
      error.message,
      extensions,
    );
  }
  if (error instanceof NetworkError) {
    const status = (error.response as { status?: number } | undefined)?.status;
    return status === undefined
      ? failure(EXIT.unreachable, "UNREACHABLE", `The gateway's event stream broke off (${error.message}).`)
      : failure(EXIT.failed, `HTTP_${status}`, error.message);
  }
  return failure(EXIT.failed, "UNEXPECTED", error instanceof Error ? error.message : String(error));
}

function failure(exitCode: number, code: string, message: string, details: Record<string, unknown> = {}): Failure {
  return { exitCode, code, message, details };
}

/** A GatewayError result as a GatewayRefusal, keeping the facts a user can act on (accessUrl, field…). */
export function refusal(error: { code: string; message: string; __typename?: string }): GatewayRefusal {
  const { code, message, __typename, ...rest } = error;
  const details = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null && value !== undefined));
  return new GatewayRefusal(code, message, details);
}
