import type { DocumentStore, StoredDocument } from "../registries/revalidating-document.js";
import type { Database } from "./client.js";

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
