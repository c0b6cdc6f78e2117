import type { IncomingMessage, ServerResponse } from "node:http";
import { type LocalServer, startLocalServer } from "./local-server.js";

/** What the server did with one request. */
export interface ServedRequest {
  path: string;
  /** The Range header, when the client sent one. */
  range: string | null;
  authorization: string | null;
  status: number;
  /** Body bytes written before the response ended or was cut. */
  bytesSent: number;
  /** True when the client went away before the whole body was sent. */
  clientLeft: boolean;
}

/** Faults for one path; each applies to the next requests of that path as described. */
export interface Faults {
  /** Cut the connection after this many body bytes, one entry per coming response. */
  cutAfter?: number[];
  /** Stop sending after this many body bytes, keeping the connection open, one entry per response. */
  stallAfter?: number[];
  /** Flip one byte in the middle of every response. */
  corrupt?: boolean;
  /** Answer the next Range request with 200 and the whole file. */
  ignoreRangeOnce?: boolean;
  /** Answer with these statuses first, one per request (a 429 says Retry-After: 0). */
  statuses?: number[];
  /** Send the body in chunks of this many bytes, pausing `pauseMs` between them. */
  slow?: { chunkBytes: number; pauseMs: number };
  /** Answer with a redirect to this base URL (same path), carrying no body. */
  redirectTo?: string;
}

/**
 * A file server in the shape of a registry's file CDN: GET with Range (206 and Content-Range, 416
 * past the end), 404 for unknown paths, and injectable faults. It logs every request.
 */
export class FileServer {
  readonly requests: ServedRequest[] = [];
  readonly faults = new Map<string, Faults>();
  /** The most responses that were sending a body at the same time. */
  maxConcurrent = 0;
  private sending = 0;
  private readonly files = new Map<string, Buffer>();

  private constructor(private readonly server: LocalServer) {}

  static async start(host = "127.0.0.1"): Promise<FileServer> {
    let self: FileServer | undefined;
    self = new FileServer(await startLocalServer((request, response) => self?.handle(request, response), { host }));
    return self;
  }

  get url(): string {
    return this.server.url;
  }

  serve(path: string, bytes: Buffer): void {
    this.files.set(path, bytes);
  }

  fault(path: string, faults: Faults): void {
    this.faults.set(path, faults);
  }

  /** GET requests of one path. */
  gets(path: string): ServedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const log: ServedRequest = {
      path,
      range: request.headers.range ?? null,
      authorization: request.headers.authorization ?? null,
      status: 0,
      bytesSent: 0,
      clientLeft: false,
    };
    this.requests.push(log);
    const faults = this.faults.get(path) ?? {};
    const file = this.files.get(path);
    const reply = (status: number, headers: Record<string, string | number> = {}, body = "") => {
      log.status = status;
      response.writeHead(status, headers).end(body);
    };
    const status = faults.statuses?.shift();
    if (faults.redirectTo) reply(302, { location: `${faults.redirectTo}${request.url}` });
    else if (status) reply(status, status === 429 ? { "retry-after": "0" } : {}, `HTTP ${status}`);
    else if (!file) reply(404, { "content-type": "application/json" }, '{"error":"Entry not found"}');
    else this.sendFile(response, file, faults, log);
  }

  /** 200 with the whole file, or 206 from a Range request's offset; 416 past the end. */
  private sendFile(response: ServerResponse, file: Buffer, faults: Faults, log: ServedRequest) {
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(log.range ?? "");
    if (range && faults.ignoreRangeOnce) faults.ignoreRangeOnce = false;
    else if (range) start = Number(range[1]);
    if (start >= file.length && start > 0) {
      log.status = 416;
      response.writeHead(416, { "content-range": `bytes */${file.length}` }).end();
      return;
    }
    let body = file.subarray(start);
    if (faults.corrupt && body.length > 0) {
      body = Buffer.from(body);
      body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff;
    }
    log.status = start > 0 ? 206 : 200;
    response.writeHead(log.status, {
      "content-length": body.length,
      "accept-ranges": "bytes",
      ...(start > 0 ? { "content-range": `bytes ${start}-${file.length - 1}/${file.length}` } : {}),
    });
    response.on("close", () => {
      log.clientLeft = !response.writableFinished;
    });
    const stallAfter = faults.stallAfter?.shift();
    if (stallAfter !== undefined)
      void this.send(response, body.subarray(0, stallAfter), null, faults.slow ?? null, log, true);
    else void this.send(response, body, faults.cutAfter?.shift() ?? null, faults.slow ?? null, log);
  }

  private async send(
    response: ServerResponse,
    body: Buffer,
    cutAfter: number | null,
    slow: Faults["slow"] | null,
    log: ServedRequest,
    stall = false,
  ): Promise<void> {
    const end = cutAfter === null ? body.length : Math.min(cutAfter, body.length);
    const chunk = slow?.chunkBytes ?? 256 * 1024;
    this.maxConcurrent = Math.max(this.maxConcurrent, ++this.sending);
    try {
      for (let offset = 0; offset < end && !response.destroyed; offset += chunk) {
        const piece = body.subarray(offset, Math.min(offset + chunk, end));
        await new Promise<void>((resolve) => response.write(piece, () => resolve()));
        log.bytesSent += piece.length;
        if (slow && offset + chunk < end) await new Promise((resolve) => setTimeout(resolve, slow.pauseMs));
      }
    } finally {
      this.sending--;
    }
    if (response.destroyed || stall) return;
    if (cutAfter === null) response.end();
    else response.socket?.destroy();
  }
}
