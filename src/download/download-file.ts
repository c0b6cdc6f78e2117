import type { IncomingMessage } from "node:http";
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { GatewayError, IntegrityError, RegistryUnavailable } from "../domain/errors.js";
import { AttemptFailure, connectionFailure, type DownloadSubject, statusFailure } from "./http-failure.js";
import { httpGet, UnfollowableUrl } from "./http-get.js";
import type { PartialFile } from "./partial-file.js";

/** Where the pull engine gets one file from. */
export interface FileDownload {
  url: string;
  /** Headers for the registry's own host only (credentials never follow a redirect elsewhere). */
  headers: Record<string, string>;
  sizeBytes: number | null;
  sha256: string | null;
  /**
   * For a registry whose download endpoint is an RPC (Kaggle's API takes a POST with a JSON body
   * and redirects to its storage): the method and body of the first request. Like the headers, the
   * body goes to the registry's own origin only; a redirect continues with a bodiless GET. A plain
   * GET when absent.
   */
  request?: { method: "POST"; body: string };
}

export interface DownloadOptions {
  signal: AbortSignal;
  /** A connection silent for this long is dropped and the download resumed (PULL_STALL_TIMEOUT_MS). */
  stallTimeoutMs: number;
  /** The bytes on disk, after every write. */
  onProgress(bytes: number): void;
  /** An attempt failed and another follows (a dropped connection, a server error). */
  onRetry(error: GatewayError): void;
  /**
   * Another source of the same bytes, once `error` made the current one fail (a 5xx, a reset, a
   * stall, a refusal); null when there is none. The download resumes from it where it stopped.
   */
  failover?(error: GatewayError): Promise<FileDownload | null>;
}

/** A verified download, still in its partial file. */
export interface DownloadedFile {
  sha256: string;
  sizeBytes: number;
}

/** Attempts in a row that may fail without adding a byte before the download gives up. */
const MAX_FAILURES_WITHOUT_PROGRESS = 5;
/** A bound on attempts overall, for servers that keep dropping after a little progress. */
const MAX_ATTEMPTS = 100;
const BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Downloads into a partial file, resuming with a Range request from the bytes already there
 * (those of an earlier run included), and checks size and sha256 before answering. A server that
 * answers a Range request with 200 sends the whole file, which is then written from zero. On a
 * mismatch the partial file is deleted and INTEGRITY_ERROR thrown: bad bytes are never resumed.
 */
export async function downloadFile(
  subject: DownloadSubject,
  first: FileDownload,
  partial: PartialFile,
  options: DownloadOptions,
): Promise<DownloadedFile> {
  const { signal, onRetry } = options;
  let source = first;
  let expectedSize = source.sizeBytes;
  let failures = 0;
  /** The storage's own md5 of the whole object (x-goog-hash), when it sent one. */
  let storageMd5: string | null = null;
  for (let attempt = 1; ; attempt++) {
    const offset = await partial.prepare();
    options.onProgress(offset);
    if (expectedSize !== null && offset > expectedSize) await partial.remove();
    else if (expectedSize !== null && offset === expectedSize) return verify(subject, source, partial, storageMd5);
    else {
      try {
        const sent = await transfer(subject, source, partial, offset, options);
        expectedSize ??= sent.total;
        storageMd5 = sent.md5 ?? storageMd5;
        if (expectedSize === null || partial.size === expectedSize) return verify(subject, source, partial, storageMd5);
        throw connectionFailure(`the connection closed after ${partial.size} of ${expectedSize} bytes`, subject);
      } catch (error) {
        const failure = failureOf(error, subject, signal);
        failures = partial.size > offset ? 1 : failures + 1;
        // Bad bytes are never resumed elsewhere; any other failure may be another source's chance.
        const next = failure.error instanceof IntegrityError ? null : await options.failover?.(failure.error);
        if (next) {
          source = { ...next, sizeBytes: next.sizeBytes ?? first.sizeBytes, sha256: first.sha256 };
          failures = 0;
          onRetry(failure.error);
          continue;
        }
        if (failure.retryAfterMs === null) throw failure.error;
        if (failures > MAX_FAILURES_WITHOUT_PROGRESS || attempt >= MAX_ATTEMPTS) {
          throw new GatewayError(
            failure.error.code,
            `${failure.error.message.replace(/\.$/, "")} (gave up after ${attempt} attempts).`,
            failure.error.details,
            { cause: failure.error },
          );
        }
        onRetry(failure.error);
        await sleep(Math.max(failure.retryAfterMs, backoff(failures)), undefined, { signal });
      }
    }
  }
}

/** One GET of the bytes from `offset`; resolves with the file's total size when the server states it. */
async function transfer(
  subject: DownloadSubject,
  source: FileDownload,
  partial: PartialFile,
  offset: number,
  { signal, stallTimeoutMs, onProgress }: DownloadOptions,
): Promise<{ total: number | null; md5: string | null }> {
  const writer = await partial.writer(onProgress);
  try {
    const response = await httpGet({
      url: source.url,
      headers: source.headers,
      post: source.request,
      offset,
      signal,
      stallTimeoutMs,
    });
    const status = response.statusCode ?? 0;
    let total: number | null;
    if (status === 206 && rangeStart(response) === offset) {
      total = rangeTotal(response);
    } else if (status === 200) {
      // No Range asked for, or the server ignored it: the body is the whole file, written from zero.
      if (offset > 0) await writer.restart();
      const length = Number(response.headers["content-length"]);
      total = Number.isSafeInteger(length) ? length : null;
    } else {
      response.resume();
      if (status !== 206 && status !== 416) throw statusFailure(status, response.headers, subject);
      // Another range than the one asked for, or one past the server's end: start over.
      await writer.restart();
      throw connectionFailure(`HTTP ${status} for the bytes from ${offset}`, subject);
    }
    if (total !== null && source.sizeBytes !== null && total !== source.sizeBytes) {
      response.destroy();
      await writer.restart();
      throw integrityError(subject, `the server has ${total} bytes where the registry lists ${source.sizeBytes}`);
    }
    writer.maxBytes = source.sizeBytes ?? total;
    writer.tooLarge = () => integrityError(subject, `the server sent more than the ${writer.maxBytes} bytes expected`);
    await writeBody(response, writer);
    return { total, md5: storageMd5Of(response) };
  } finally {
    writer.destroy();
  }
}

/**
 * Streams a response body into the partial file. Unlike `pipeline`, a body that breaks off (a
 * dropped connection, an abort) still has the bytes that arrived flushed to disk before the
 * error is passed on, so the next attempt resumes after every byte received.
 */
function writeBody(body: IncomingMessage, sink: Writable): Promise<void> {
  if (body.destroyed) return Promise.reject(new Error("the connection closed"));
  return new Promise((resolve, reject) => {
    let broken: unknown = null;
    body.once("error", (error) => {
      broken = error;
      body.unpipe(sink);
      sink.end();
    });
    sink.once("error", (error) => {
      body.destroy();
      reject(error);
    });
    sink.once("finish", () => (broken === null ? resolve() : reject(broken)));
    body.pipe(sink);
  });
}

async function verify(
  subject: DownloadSubject,
  source: FileDownload,
  partial: PartialFile,
  storageMd5: string | null,
): Promise<DownloadedFile> {
  const sizeBytes = partial.size;
  const sha256 = partial.digest();
  // The storage's md5 (Google Cloud Storage's x-goog-hash) is checked with a second read of the
  // file: it is only sent by registries that publish no sha256 (Kaggle), and it covers the whole object.
  const md5 = storageMd5 === null ? null : await partial.md5();
  const mismatch =
    source.sizeBytes !== null && sizeBytes !== source.sizeBytes
      ? `${sizeBytes} bytes where ${source.sizeBytes} were expected`
      : source.sha256 !== null && sha256 !== source.sha256.toLowerCase()
        ? `sha256 ${sha256} where ${source.sha256} was expected`
        : md5 !== storageMd5
          ? `md5 ${md5} where the storage states ${storageMd5}`
          : null;
  if (mismatch) {
    await partial.remove();
    throw integrityError(subject, mismatch);
  }
  return { sha256, sizeBytes };
}

function integrityError(subject: DownloadSubject, why: string): IntegrityError {
  return new IntegrityError(`${subject.path} of ${subject.ref} failed verification (${why}); nothing was kept.`, {
    registry: subject.registry,
    ref: subject.ref,
    path: subject.path,
  });
}

function failureOf(error: unknown, subject: DownloadSubject, signal: AbortSignal): AttemptFailure {
  if (signal.aborted) throw signal.reason;
  if (error instanceof AttemptFailure) return error;
  if (error instanceof GatewayError) return new AttemptFailure(error, null);
  if (error instanceof UnfollowableUrl)
    return new AttemptFailure(new RegistryUnavailable(subject.registry, error.message), null);
  return connectionFailure(error, subject);
}

function backoff(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** (failures - 1));
}

/** The md5 of the whole object a storage states in `x-goog-hash: crc32c=…,md5=<base64>`, as base64. */
function storageMd5Of(response: IncomingMessage): string | null {
  const header = response.headers["x-goog-hash"];
  const values = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",");
  const md5 = values.map((value) => value.trim()).find((value) => value.startsWith("md5="));
  return md5 ? md5.slice("md5=".length) : null;
}

function rangeStart(response: IncomingMessage): number | null {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers["content-range"] ?? "");
  return match ? Number(match[1]) : null;
}

function rangeTotal(response: IncomingMessage): number | null {
  const match = /\/(\d+)$/.exec(response.headers["content-range"] ?? "");
  return match ? Number(match[1]) : null;
}
