import type { IncomingMessage } from "node:http";
import parseForwarded from "forwarded-parse";
import type { Plugin } from "graphql-yoga";
import proxyAddr from "proxy-addr";
import { isLoopback } from "../../config.js";
import { errorResponse } from "../json-response.js";
import type { ServerContext } from "../server-context.js";

export interface ClientGuardOptions {
  /** Without API keys the gateway answers loopback clients only, under its own host names only. */
  keyless: boolean;
  /** Host names the gateway is reached by besides loopback ones (PUBLIC_HOSTS). */
  publicHosts: readonly string[];
  /** Proxies whose X-Forwarded-For / Forwarded headers are believed (TRUSTED_PROXIES). */
  trustedProxies: readonly string[];
  /** Origins a browser may call the gateway from (CORS_ORIGINS); its own origin always may. */
  corsOrigins: readonly string[];
}

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

/**
 * Decides, before anything else runs, whether a request may reach the gateway at all:
 * - its Host must be one of the gateway's names when it is keyless or PUBLIC_HOSTS is set, so a
 *   DNS-rebinding page (evil.example resolving to 127.0.0.1) cannot reach a local gateway;
 * - forwarding headers count only from TRUSTED_PROXIES; a keyless gateway refuses forwarded
 *   requests from anyone else, so a reverse proxy on the same host cannot expose it (with keys,
 *   such headers are ignored and the peer counts as the client);
 * - a keyless gateway answers loopback clients only (after the trusted proxies' word);
 * - a browser request from another origin is refused unless CORS_ORIGINS lists it.
 * The client's address it settles on is left in the server context for rate limits and logs.
 */
export function useClientGuard(options: ClientGuardOptions): Plugin<Record<string, unknown>, ServerContext> {
  const trust = proxyAddr.compile([...options.trustedProxies]);
  const hosts = new Set(options.publicHosts.map((host) => host.toLowerCase()));
  const checkHost = options.keyless || hosts.size > 0;
  return {
    onRequest({ request, url, serverContext, endResponse }) {
      const refuse = (message: string) => endResponse(errorResponse(403, "FORBIDDEN", message, url.pathname));
      const hostHeader = request.headers.get("host") ?? new URL(request.url).host;
      const host = hostName(hostHeader);
      if (checkHost && (host === null || !(isLoopback(host) || host.endsWith(".localhost") || hosts.has(host)))) {
        return refuse(
          `The Host header ${JSON.stringify(hostHeader)} is not one of this gateway's names (localhost, 127.0.0.1, ::1${hosts.size > 0 ? `, ${[...hosts].join(", ")}` : ""}); add it to PUBLIC_HOSTS if it is.`,
        );
      }
      const req = serverContext.req;
      if (req) {
        // With keys, forwarding headers no trusted proxy vouches for are ignored: the peer is the client.
        const client = clientOf(req, trust) ?? (options.keyless ? null : (req.socket.remoteAddress ?? ""));
        if (client === null) {
          return refuse("Forwarded requests are accepted only from the proxies TRUSTED_PROXIES names.");
        }
        serverContext.clientAddress = client;
        if (options.keyless && !isLoopback(client)) {
          return refuse("Without API keys (GATEWAY_API_KEYS) this gateway answers local clients only.");
        }
      }
      const origin = request.headers.get("origin");
      if (origin !== null && !isSameHost(origin, request) && !options.corsOrigins.includes(origin)) {
        return refuse(`Requests from the origin ${origin} are refused; list it in CORS_ORIGINS to allow it.`);
      }
    },
  };
}

/**
 * The client's address: the socket's peer, or what trusted proxies say it is. Null when the
 * request carries forwarding headers that no trusted proxy vouches for.
 */
function clientOf(req: IncomingMessage, trust: (address: string, hop: number) => boolean): string | null {
  const peer = req.socket.remoteAddress ?? "";
  const forwarded = FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
  if (!forwarded) return peer;
  if (!trust(peer, 0)) return null;
  if (req.headers["x-forwarded-for"] !== undefined) return proxyAddr(req, trust);
  const header = req.headers.forwarded;
  if (header === undefined) return null; // X-Real-IP alone: a single claim no chain backs
  try {
    // The nearest hop the trusted proxies do not vouch for, as with X-Forwarded-For.
    const hops = parseForwarded(header)
      .map((entry) => (entry.for ? nodeAddress(entry.for) : undefined))
      .reverse();
    let index = 0;
    for (const hop of hops) {
      index++;
      if (!hop) return null;
      if (!trust(hop, index)) return hop;
    }
    return hops.at(-1) ?? null;
  } catch {
    return null;
  }
}

/** A Forwarded `for=` node without its port: `192.0.2.1:80` and `[2001:db8::1]:80` become addresses. */
function nodeAddress(node: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(node);
  if (bracketed) return bracketed[1] as string;
  return /^[^:]+:\d+$/.test(node) ? node.replace(/:\d+$/, "") : node;
}

function hostName(header: string | null): string | null {
  if (!header) return null;
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a browser's Origin names the host the request was sent to (its own page, whatever the scheme a proxy ends). */
function isSameHost(origin: string, request: Request): boolean {
  try {
    return new URL(origin).host === (request.headers.get("host") ?? new URL(request.url).host);
  } catch {
    return false; // "null" (sandboxed frames, files) and garbage are never the gateway's own page
  }
}
