import type { Plugin } from "graphql-yoga";
import { isLoopback } from "../config.js";
import { errorResponse } from "./json-response.js";
import type { ServerContext } from "./server-context.js";

/**
 * Without API keys the gateway is open, so it answers loopback clients only: even if HOST were
 * widened by mistake, nobody else can pull gigabytes or run models on this machine.
 */
export function loopbackOnly(): Plugin<Record<string, unknown>, ServerContext> {
  return {
    onRequest({ serverContext, endResponse }) {
      const address = serverContext.req?.socket.remoteAddress;
      if (address && !isLoopback(address)) {
        endResponse(
          errorResponse(
            403,
            "FORBIDDEN",
            "Without API keys (GATEWAY_API_KEYS) this gateway answers local clients only.",
          ),
        );
      }
    },
  };
}
