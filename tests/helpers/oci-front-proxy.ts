import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { type LocalServer, startLocalServer } from "./local-server.js";

/**
 * What a real registry does only in production, put in front of the real one in tests: a blob
 * storage on another host that blobs redirect to (S3, a CDN: registry:2 redirects only with such
 * storage drivers), a connection cut in the middle of a blob, and the rare answers of a registry
 * under load (429 with Retry-After, 5xx) or of a broken proxy (malformed JSON). Everything else
 * passes through unchanged to the registry, which does the real work.
 */

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | null;
  range: string | null;
}

export interface InjectedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const BLOB_PATH = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/;

abstract class RecordingServer {
  readonly requests: SeenRequest[] = [];
  protected server!: LocalServer;

  get url(): string {
    return this.server.url;
  }

  protected async listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<void> {
    this.server = await startLocalServer((request, response) => {
      this.requests.push({
        method: request.method ?? "GET",
        path: request.url ?? "/",
        authorization: request.headers.authorization ?? null,
        range: request.headers.range ?? null,
      });
      handler(request, response);
    });
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}

/** Forwards a request to `target` and streams the answer back; `cutAfter` drops the connection after that many body bytes. */
function forward(
  request: IncomingMessage,
  response: ServerResponse,
  target: URL,
  headers: Record<string, string | string[] | undefined>,
  cutAfter: number | null,
): void {
  const upstream = httpRequest(
    target,
    { method: request.method, headers: { ...headers, host: target.host } },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      if (cutAfter === null) {
        answer.pipe(response);
        return;
      }
      let sent = 0;
      answer.on("data", (chunk: Buffer) => {
        if (sent >= cutAfter) return;
        const part = chunk.subarray(0, cutAfter - sent);
        sent += part.length;
        if (sent < cutAfter) {
          response.write(part);
          return;
        }
        answer.destroy();
        // Closed once the last bytes are flushed, so the client has exactly `cutAfter` of them.
        response.write(part, () => response.socket?.destroy());
      });
      answer.on("end", () => response.end());
    },
  );
  upstream.on("error", () => response.destroy());
  request.pipe(upstream);
}

/** The blob storage blobs redirect to: another origin, serving the registry's blobs with Range. */
export class BlobHost extends RecordingServer {
  /** `token`: the bearer the storage itself uses to read the registry (the client never sends one here). */
  static async start(
    registryUrl: string,
    token: (repository: string) => string | null = () => null,
  ): Promise<BlobHost> {
    const host = new BlobHost();
    await host.listen((request, response) => {
      const match = /^\/(.+)\/blobs\/(sha256:[a-f0-9]{64})/.exec(new URL(request.url ?? "/", "http://x").pathname);
      if (!match) return void response.writeHead(404).end();
      const [, repository, digest] = match as unknown as [string, string, string];
      const credential = token(repository);
      forward(
        request,
        response,
        new URL(`/v2/${repository}/blobs/${digest}`, registryUrl),
        {
          ...(request.headers.range && { range: request.headers.range }),
          ...(credential && { authorization: `Bearer ${credential}` }),
        },
        null,
      );
    });
    return host;
  }
}

/** A proxy in front of a real registry (see the module comment). */
export class FrontProxy extends RecordingServer {
  private readonly injected: Array<{ match: RegExp; answer: InjectedAnswer; times: number }> = [];
  private readonly cuts = new Map<string, number>();
  private blobHost: BlobHost | null = null;

  static async start(registryUrl: string): Promise<FrontProxy> {
    const proxy = new FrontProxy();
    await proxy.listen((request, response) => proxy.handle(registryUrl, request, response));
    return proxy;
  }

  /** The next `times` requests whose path matches get this answer instead of the registry's. */
  inject(match: RegExp, answer: InjectedAnswer, times = 1): void {
    this.injected.push({ match, answer, times });
  }

  /** Forgets every injected answer, cut and redirect: the registry answers everything again. */
  reset(): void {
    this.injected.length = 0;
    this.cuts.clear();
    this.blobHost = null;
  }

  /** The next GET of this blob stops after `afterBytes` bytes, once. */
  cutBlob(digest: string, afterBytes: number): void {
    this.cuts.set(digest, afterBytes);
  }

  /** Blob GETs answer 307 to the blob host, as a registry on S3 or behind a CDN does. */
  redirectBlobsTo(host: BlobHost | null): void {
    this.blobHost = host;
  }

  private handle(registryUrl: string, request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? "/";
    const injection = this.injected.find((candidate) => candidate.times > 0 && candidate.match.test(path));
    if (injection) {
      injection.times--;
      response.writeHead(injection.answer.status, injection.answer.headers ?? {}).end(injection.answer.body ?? "");
      return;
    }
    const blob = request.method === "GET" ? BLOB_PATH.exec(path.split("?")[0] as string) : null;
    if (blob && this.blobHost) {
      const [, repository, digest] = blob as unknown as [string, string, string];
      const location = `${this.blobHost.url}/${repository}/blobs/${digest}?X-Amz-Signature=test-signature`;
      response.writeHead(307, { location }).end();
      return;
    }
    const cut = blob ? (this.cuts.get(blob[2] as string) ?? null) : null;
    if (blob && cut !== null) this.cuts.delete(blob[2] as string);
    forward(request, response, new URL(path, registryUrl), request.headers, cut);
  }
}
