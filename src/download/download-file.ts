import type { IncomingMessage } from "node:http";
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { GatewayError, IntegrityError, RegistryUnavailable } from "../errors.js";
import type { FileDownload } from "../registries/types.js";
import { AttemptFailure, connectionFailure, type DownloadSubject, statusFailure } from "./http-failure.js";
import { httpGet, UnfollowableUrl } from "./http-get.js";
import type { PartialFile } from "./partial-file.js";

export interface DownloadOptions {
  signal: AbortSignal;
  /** A connection silent for this long is dropped and the download resumed (PULL_STALL_TIMEOUT_MS). */
  stallTimeoutMs: number;
  /** The bytes on disk, after every write. */
  onProgress(bytes: number): void;
  /** An attempt failed and another follows (a dropped connection, a server error). */
  onRetry(error: GatewayError): void;
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
  source: FileDownload,
  partial: PartialFile,
  options: DownloadOptions,
): Promise<DownloadedFile> {
  const { signal, onRetry } = options;
  let expectedSize = source.sizeBytes;
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    const offset = await partial.prepare();
    options.onProgress(offset);
    if (expectedSize !== null && offset > expectedSize) await partial.remove();
    else if (expectedSize !== null && offset === expectedSize) return verify(subject, source, partial);
    else {
      try {
        const total = await transfer(subject, source, partial, offset, options);
        expectedSize ??= total;
        if (expectedSize === null || partial.size === expectedSize) return verify(subject, source, partial);
        throw connectionFailure(`the connection closed after ${partial.size} of ${expectedSize} bytes`, subject);
      } catch (error) {
        const failure = failureOf(error, subject, signal);
        failures = partial.size > offset ? 1 : failures + 1;
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
): Promise<number | null> {
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
    return total;
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

async function verify(subject: DownloadSubject, source: FileDownload, partial: PartialFile): Promise<DownloadedFile> {
  const sizeBytes = partial.size;
  const sha256 = partial.digest();
  const mismatch =
    source.sizeBytes !== null && sizeBytes !== source.sizeBytes
      ? `${sizeBytes} bytes where ${source.sizeBytes} were expected`
      : source.sha256 !== null && sha256 !== source.sha256.toLowerCase()
        ? `sha256 ${sha256} where ${source.sha256} was expected`
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

function rangeStart(response: IncomingMessage): number | null {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers["content-range"] ?? "");
  return match ? Number(match[1]) : null;
}

function rangeTotal(response: IncomingMessage): number | null {
  const match = /\/(\d+)$/.exec(response.headers["content-range"] ?? "");
  return match ? Number(match[1]) : null;
}
