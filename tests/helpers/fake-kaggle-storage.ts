import { createHash, createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type LocalRequest, type LocalServer, startLocalServer } from "./local-server.js";

/** One request the storage server received, with every header it carried. */
export type StorageRequest = LocalRequest;

const SECRET = "fake-storage-signing-key";
const BUCKET = "kaggle-models-data";

/**
 * A stand-in for the Google Cloud Storage bucket Kaggle's downloads redirect to, on a port (an
 * origin) of its own: signed URLs (X-Goog-Signature over the path), Range requests answered 206,
 * and the `x-goog-hash: md5=<base64>` and `x-goog-stored-content-length` headers GCS sends. It
 * records every request's headers, so tests can prove no Kaggle credential ever reached it.
 */
export class FakeKaggleStorage {
  private readonly objects = new Map<string, Buffer>();
  private dropAfter: number | null = null;
  private corrupting = false;

  private constructor(private readonly server: LocalServer) {}

  static async start(): Promise<FakeKaggleStorage> {
    let storage: FakeKaggleStorage | undefined;
    const server = await startLocalServer((req, res) => storage?.handle(req, res), { record: true });
    storage = new FakeKaggleStorage(server);
    return storage;
  }

  get url(): string {
    return this.server.url;
  }

  /** Every request so far, with its headers. */
  get requests(): StorageRequest[] {
    return this.server.requests;
  }

  /** Stores an object and answers the signed URL Kaggle would redirect to. */
  signedUrl(key: string, content: Buffer): string {
    const path = `/${BUCKET}/${key.split("/").map(encodeURIComponent).join("/")}`;
    this.objects.set(path, content);
    const signature = createHmac("sha256", SECRET).update(path).digest("hex");
    return `${this.url}${path}?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=3600&X-Goog-Signature=${signature}`;
  }

  /** The next download's body has one byte flipped, while its headers still describe the object. */
  corruptNext(): void {
    this.corrupting = true;
  }

  /** The next download breaks off after this many bytes of its body (a dropped connection). */
  dropNextAfter(bytes: number): void {
    this.dropAfter = bytes;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const answer = this.answer(new URL(req.url ?? "/", "http://storage"), req.headers.range);
    res.writeHead(answer.status, answer.headers);
    if (this.corrupting && answer.status < 300 && typeof answer.body !== "string") {
      // Damaged in transit: the body differs from the object its x-goog-hash describes.
      this.corrupting = false;
      const damaged = Buffer.from(answer.body);
      damaged[damaged.length >> 1] = (damaged[damaged.length >> 1] ?? 0) ^ 0xff;
      answer.body = damaged;
    }
    const cut = this.dropAfter;
    if (cut !== null && answer.status < 300 && typeof answer.body !== "string") {
      this.dropAfter = null;
      res.write(answer.body.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    res.end(req.method === "HEAD" ? undefined : answer.body);
  }

  private answer(url: URL, range: string | undefined) {
    const xml = (status: number, code: string) => ({
      status,
      headers: { "content-type": "application/xml; charset=UTF-8" },
      body: `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code></Error>`,
    });
    const expected = createHmac("sha256", SECRET).update(url.pathname).digest("hex");
    if (url.searchParams.get("X-Goog-Signature") !== expected) return xml(403, "SignatureDoesNotMatch");
    const content = this.objects.get(url.pathname);
    if (!content) return xml(404, "NoSuchKey");
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "accept-ranges": "bytes",
      // GCS states the whole object's hash, also in answers to Range requests.
      "x-goog-hash": `md5=${createHash("md5").update(content).digest("base64")}`,
      "x-goog-stored-content-length": String(content.length),
    };
    const from = /^bytes=(\d+)-$/.exec(range ?? "")?.[1];
    if (from === undefined) {
      return { status: 200, headers: { ...headers, "content-length": String(content.length) }, body: content };
    }
    const start = Number(from);
    if (start >= content.length) return xml(416, "InvalidRange");
    const part = content.subarray(start);
    return {
      status: 206,
      headers: {
        ...headers,
        "content-length": String(part.length),
        "content-range": `bytes ${start}-${content.length - 1}/${content.length}`,
      },
      body: part,
    };
  }
}
