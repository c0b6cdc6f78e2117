import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface GetRequest {
  url: string;
  /** The registry's headers (credentials): sent to the URL's own origin only, never after a redirect leaves it. */
  headers: Record<string, string>;
  /** A POST with this body instead of a GET (an RPC download endpoint); redirects continue with GET. */
  post?: { body: string };
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
 * One GET (or a registry's POST) with its redirects followed, answering the final response with its
 * body unread. A POST becomes a bodiless GET at the first redirect, as HTTP clients do after 301,
 * 302 and 303 and as the registries that need a POST (Kaggle) expect of the redirect to their storage.
 * Written on node:http rather than fetch: fetch cannot be told to keep custom headers from other
 * hosts on a redirect, decompresses bodies (sizes and hashes are of the stored bytes), and moves
 * bytes through web streams, which cost a large share of throughput on big files.
 */
export async function httpGet({
  url,
  headers,
  post,
  offset,
  signal,
  stallTimeoutMs,
}: GetRequest): Promise<IncomingMessage> {
  let current = new URL(url);
  let body = post?.body ?? null;
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
      body,
      signal,
      stallTimeoutMs,
    );
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return response;
    response.resume();
    if (redirects === MAX_REDIRECTS) throw new UnfollowableUrl(`more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
    body = null;
  }
}

function send(
  url: URL,
  headers: Record<string, string>,
  body: string | null,
  signal: AbortSignal,
  stallTimeoutMs: number,
): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  const method = body === null ? "GET" : "POST";
  const length = body === null ? {} : { "content-length": String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method, headers: { ...headers, ...length }, signal, timeout: stallTimeoutMs },
      resolve,
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no data for ${stallTimeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(body ?? undefined);
  });
}
