import type { Database } from "./client.js";

/** A document as last fetched, with the validators that let its source answer 304 Not Modified. */
export interface StoredDocument {
  url: string;
  etag: string | null;
  lastModified: string | null;
  body: string;
  fetchedAt: Date;
}

/** Where fetched documents outlive the process (the database); strategies see only this. */
export interface DocumentStore {
  get(url: string): Promise<StoredDocument | null>;
  put(document: StoredDocument): Promise<void>;
  /** Records a 304: the body is unchanged, the copy is fresh again, the validators may be new. */
  touch(url: string, fetchedAt: Date, validators: Pick<StoredDocument, "etag" | "lastModified">): Promise<void>;
}

/** Fetched documents (a registry's manifest) in the CachedDocument table, one row per URL. */
export class PrismaDocumentStore implements DocumentStore {
  constructor(private readonly db: Database) {}

  get(url: string): Promise<StoredDocument | null> {
    return this.db.cachedDocument.findUnique({ where: { url } });
  }

  async put(document: StoredDocument): Promise<void> {
    await this.db.cachedDocument.upsert({ where: { url: document.url }, create: document, update: document });
  }

  async touch(url: string, fetchedAt: Date, validators: Pick<StoredDocument, "etag" | "lastModified">): Promise<void> {
    // updateMany: a row removed meanwhile is no error; the next fetch stores a new one.
    await this.db.cachedDocument.updateMany({ where: { url }, data: { fetchedAt, ...validators } });
  }
}
