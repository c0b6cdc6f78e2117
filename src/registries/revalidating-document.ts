import type { DocumentStore, StoredDocument } from "../db/document-store.js";
import { deadline } from "../deadline.js";
import { GatewayError, RateLimited, RegistryUnavailable } from "../domain/errors.js";
import type { Logger } from "../logger.js";

export interface RevalidatingDocumentOptions<T> {
  /** The registry it belongs to, for error messages. */
  registry: string;
  /** What the document is, for error messages ("the manifest"). */
  label: string;
  url: string;
  fetch: typeof fetch;
  store: DocumentStore;
  logger: Logger;
  /** How long a fetched copy is used without asking its source again. */
  ttlMs: number;
  /** How long one fetch may take before the stored copy is served instead. */
  timeoutMs: number;
  /** Validates and converts the body; throws when it is not a usable document. */
  parse(body: string): T;
}

type Fetched<T> =
  | { document: StoredDocument; value: T }
  | { notModified: Pick<StoredDocument, "fetchedAt" | "etag" | "lastModified"> };

export interface DocumentValue<T> {
  value: T;
  fetchedAt: Date;
  /** True when the source could not be read and the last good copy is served. */
  stale: boolean;
}

/**
 * One HTTP document kept fresh with a TTL and conditional requests (If-None-Match /
 * If-Modified-Since), stored so it survives restarts and serves, flagged stale, while its source
 * is unreachable. Only a body that parses replaces the stored copy. Hand-written rather than an
 * HTTP cache library because the freshness rule is our TTL, not the server's Cache-Control, and
 * the copy lives in SQLite; the protocol part is two request headers and a 304.
 */
export class RevalidatingDocument<T> {
  private current: { document: StoredDocument; value: T } | null = null;
  /** The one refresh in flight, shared by every caller; it has its own timeout, no caller's signal. */
  private pending: Promise<DocumentValue<T>> | null = null;

  constructor(private readonly options: RevalidatingDocumentOptions<T>) {}

  get(): Promise<DocumentValue<T>> {
    if (this.current && this.isFresh(this.current.document)) return Promise.resolve(this.answer(false));
    this.pending ??= this.refresh().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async refresh(): Promise<DocumentValue<T>> {
    this.current ??= await this.loadStored();
    if (this.current && this.isFresh(this.current.document)) return this.answer(false);
    const stored = this.current?.document ?? null;
    let fetched: Fetched<T>;
    try {
      fetched = await this.fetchDocument(stored);
    } catch (error) {
      const failure = this.unavailable(error);
      if (!this.current) throw failure;
      this.options.logger.warn({ err: failure, url: this.options.url }, `serving the stored copy of ${this.label}`);
      return this.answer(true);
    }
    if ("value" in fetched) {
      this.current = fetched;
      await this.remember(() => this.options.store.put(fetched.document));
    } else if (this.current) {
      this.current = { value: this.current.value, document: { ...this.current.document, ...fetched.notModified } };
      const { fetchedAt, etag, lastModified } = fetched.notModified;
      await this.remember(() => this.options.store.touch(this.options.url, fetchedAt, { etag, lastModified }));
    }
    return this.answer(false);
  }

  /** The stored copy is for restarts and outages: failing to write it must not fail a fresh answer. */
  private async remember(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.options.logger.warn({ err: error, url: this.options.url }, `could not store ${this.label}`);
    }
  }

  /** A conditional GET: the new validators on 304, the parsed new copy on 200, an error otherwise. */
  private async fetchDocument(stored: StoredDocument | null): Promise<Fetched<T>> {
    const { url, timeoutMs } = this.options;
    const headers: Record<string, string> = {};
    if (stored?.etag) headers["if-none-match"] = stored.etag;
    if (stored?.lastModified) headers["if-modified-since"] = stored.lastModified;
    const response = await this.options.fetch(url, { headers, signal: deadline(timeoutMs) });
    const fetchedAt = new Date();
    const etag = response.headers.get("etag");
    const lastModified = response.headers.get("last-modified");
    if (response.status === 304 && stored) {
      await response.body?.cancel();
      return {
        notModified: { fetchedAt, etag: etag ?? stored.etag, lastModified: lastModified ?? stored.lastModified },
      };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      if (response.status === 429) throw new RateLimited(this.options.registry, retryAfterSeconds(response.headers));
      throw new RegistryUnavailable(this.options.registry, `${this.label} answered HTTP ${response.status}.`);
    }
    const body = await response.text();
    return { document: { url, etag, lastModified, body, fetchedAt }, value: this.parseOrExplain(body) };
  }

  /** The stored copy, or null when there is none or it cannot be read (then the source is asked). */
  private async loadStored(): Promise<{ document: StoredDocument; value: T } | null> {
    try {
      const document = await this.options.store.get(this.options.url);
      return document && { document, value: this.options.parse(document.body) };
    } catch (error) {
      this.options.logger.warn({ err: error, url: this.options.url }, `ignoring the stored copy of ${this.label}`);
      return null;
    }
  }

  private parseOrExplain(body: string): T {
    try {
      return this.options.parse(body);
    } catch (error) {
      throw new RegistryUnavailable(this.options.registry, `${this.label} is not valid: ${(error as Error).message}`);
    }
  }

  private unavailable(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    const { name, message, cause } = error as Error & { cause?: { code?: string } };
    const reason =
      name === "TimeoutError"
        ? `${this.label} did not answer within ${this.options.timeoutMs} ms.`
        : `${this.label} could not be fetched (${[message, cause?.code].filter(Boolean).join(": ")}).`;
    return new RegistryUnavailable(this.options.registry, reason, { cause: error });
  }

  private isFresh(document: StoredDocument): boolean {
    return Date.now() - document.fetchedAt.getTime() < this.options.ttlMs;
  }

  private answer(stale: boolean): DocumentValue<T> {
    const { document, value } = this.current as { document: StoredDocument; value: T };
    return { value, fetchedAt: document.fetchedAt, stale };
  }

  private get label(): string {
    return this.options.label;
  }
}

/** Retry-After in seconds (or as an HTTP date); a minute when the source does not say. */
function retryAfterSeconds(headers: Headers): number {
  const value = headers.get("retry-after") ?? "";
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, Math.ceil(seconds)) : 60;
}
