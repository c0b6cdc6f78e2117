import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface GetRequest {
  url: string;
  /** The registry's headers (credentials): sent to the URL's own origin only, never after a redirect leaves it. */
  headers: Record<string, string>;
  /** When above 0, asks for the bytes from this offset on (a Range request). */
  offset: number;
  signal: AbortSignal;
  /** A connection silent for this long is dropped (and the download resumes on a new one). */
  stallTimeoutMs: number;
}

/** A download URL the gateway will not fetch (another scheme, a redirect loop). */
export class UnfollowableUrl extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * One GET with its redirects followed, answering the final response with its body unread.
 * Written on node:http rather than fetch: fetch cannot be told to keep custom headers from other
 * hosts on a redirect, decompresses bodies (sizes and hashes are of the stored bytes), and moves
 * bytes through web streams, which cost a large share of throughput on big files.
 */
export async function httpGet({ url, headers, offset, signal, stallTimeoutMs }: GetRequest): Promise<IncomingMessage> {
  let current = new URL(url);
  const origin = current.origin;
  let trusted = true;
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      throw new UnfollowableUrl(`the download URL ${current.protocol}//${current.host} is not http(s)`);
    }
    trusted &&= current.origin === origin;
    const response = await send(
      current,
      {
        ...(trusted ? headers : {}),
        "accept-encoding": "identity",
        ...(offset > 0 ? { range: `bytes=${offset}-` } : {}),
      },
      signal,
      stallTimeoutMs,
    );
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return response;
    response.resume();
    if (redirects === MAX_REDIRECTS) throw new UnfollowableUrl(`more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
  }
}

function send(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  stallTimeoutMs: number,
): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers, signal, timeout: stallTimeoutMs }, resolve);
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no data for ${stallTimeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end();
  });
}
