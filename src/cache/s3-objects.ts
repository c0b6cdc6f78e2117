import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StoreConfig } from "../config/deployment.js";
import { deadline } from "../deadline.js";

type S3Settings = Extract<StoreConfig, { kind: "s3" }>;
type Sdk = typeof import("@aws-sdk/client-s3");

/** A small request (HEAD, a listing page, a small object) ends within this. */
const REQUEST_MS = 15_000;
/** A blob's whole transfer ends within this (a bound against a store that stops answering). */
const TRANSFER_MS = 30 * 60_000;
/** Parts of a multipart upload (lib-storage), and how many go at once. */
const PART_BYTES = 16 * 2 ** 20;
const PARTS_AT_ONCE = 4;

/** One object of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The few S3 operations the model store needs, over the AWS SDK v3 (imported when the store is
 * opened: the embedded default never loads it), each under a deadline. Keys are relative to the
 * configured prefix. Checksums are computed only when S3 requires them: with the SDK's default,
 * a streamed upload carries its checksum as a trailer that S3-compatible servers (s3rver) store
 * inside the object, and the bytes would no longer match their sha256.
 */
export class S3Objects {
  private constructor(
    private readonly sdk: Sdk,
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {}

  static async open(settings: S3Settings): Promise<S3Objects> {
    const sdk = await import("@aws-sdk/client-s3");
    const client = new sdk.S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
    return new S3Objects(sdk, client, settings.bucket, settings.prefix);
  }

  /** `s3://bucket/prefix<key>`, for messages. */
  url(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  /** Whether the bucket answers (for /health and before pulls). */
  async checkBucket(signal?: AbortSignal): Promise<void> {
    await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: deadline(REQUEST_MS, signal),
    });
  }

  /** An object's size, or null when there is none. */
  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(
        new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        { abortSignal: deadline(REQUEST_MS) },
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async getText(key: string): Promise<string | null> {
    try {
      const object = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        { abortSignal: deadline(REQUEST_MS) },
      );
      return (await object.Body?.transformToString("utf8")) ?? "";
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async putText(key: string, text: string): Promise<void> {
    await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: text }), {
      abortSignal: deadline(REQUEST_MS),
    });
  }

  /** Every object under a key prefix, page after page. */
  async *list(prefix: string): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new this.sdk.ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
        }),
        { abortSignal: deadline(REQUEST_MS) },
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield {
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Uploads a file (in parts when large, through lib-storage). */
  async upload(key: string, file: string): Promise<void> {
    const { Upload } = await import("@aws-sdk/lib-storage");
    const { size } = await stat(file);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.prefix + key, Body: createReadStream(file), ContentLength: size },
      partSize: PART_BYTES,
      queueSize: PARTS_AT_ONCE,
      leavePartsOnError: false,
    });
    const signal = deadline(TRANSFER_MS);
    const abort = () => void upload.abort();
    signal.addEventListener("abort", abort, { once: true });
    try {
      await upload.done();
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  /** Uploads bytes [start, end) of a file as one object. */
  async uploadRange(key: string, file: string, start: number, end: number): Promise<void> {
    await this.client.send(
      new this.sdk.PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: createReadStream(file, { start, end: end - 1 }),
        ContentLength: end - start,
      }),
      { abortSignal: deadline(TRANSFER_MS) },
    );
  }

  /**
   * Downloads an object into a file (appended to it with `append`), answering the sha256 and size
   * of the bytes written.
   */
  async download(
    key: string,
    file: string,
    signal?: AbortSignal,
    append = false,
  ): Promise<{ sha256: string; size: number }> {
    const object = await this.client.send(
      new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      { abortSignal: deadline(TRANSFER_MS, signal) },
    );
    const hash = createHash("sha256");
    let size = 0;
    const body = object.Body as Readable;
    body.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    await pipeline(body, createWriteStream(file, { flags: append ? "a" : "w" }));
    return { sha256: hash.digest("hex"), size };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      await this.client.send(
        new this.sdk.DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(start, start + 1000).map((key) => ({ Key: this.prefix + key })), Quiet: true },
        }),
        { abortSignal: deadline(REQUEST_MS) },
      );
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function isMissing(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === "NotFound" || name === "NoSuchKey" || $metadata?.httpStatusCode === 404;
}
