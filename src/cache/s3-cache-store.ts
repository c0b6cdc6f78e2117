import pLimit from "p-limit";
import type { DependencyHealth } from "../db/database-health.js";
import type { ModelFile } from "../domain/model.js";
import { CacheStore, type SnapshotEntry } from "./cache-store.js";
import type { CacheUsage } from "./cache-usage.js";
import { LocalBlobCopies } from "./local-blob-copies.js";
import { ModelDir } from "./model-dir.js";
import { PartialCheckpoints } from "./partial-checkpoints.js";
import type { S3Objects } from "./s3-objects.js";
import { safePathSegments } from "./safe-path.js";

/** Small objects read at once when a listing needs their contents. */
const READS_AT_ONCE = 16;

/**
 * The model store in an S3-compatible bucket that every replica shares, in the cache's layout:
 *
 *   <prefix>blobs/<sha256>                                  each file's bytes, stored once
 *   <prefix>models--<registry>--<org>--<name>/
 *     snapshots/<revision>/<path>                           {"sha256", "sizeBytes"} of the file
 *     refs/<branch>                                         the revision the branch was pulled at
 *
 * A pull downloads into this replica's folder (CACHE_DIR) as before, then uploads the verified
 * blob; a blob the bucket holds is never downloaded again, by any replica. Inference needs files
 * on disk: a snapshot is brought into the local folder on demand, verified, and the local copies
 * are bounded (LocalBlobCopies, least recently used first).
 */
export class S3CacheStore extends CacheStore {
  override readonly kind = "s3";
  /** This replica's own folder, in the same layout: partial downloads and the blobs it runs. */
  private readonly local: CacheStore;
  private readonly copies: LocalBlobCopies;
  private readonly checkpoints: PartialCheckpoints;

  constructor(
    root: string,
    private readonly s3: S3Objects,
    localMaxBytes: number,
    checkpointBytes: number,
  ) {
    super(root);
    this.local = new CacheStore(root);
    this.copies = new LocalBlobCopies(this.local, s3, localMaxBytes);
    this.checkpoints = new PartialCheckpoints(s3, checkpointBytes);
  }

  override async check(): Promise<DependencyHealth> {
    const started = performance.now();
    const error = await this.s3.checkBucket().then(
      () => null,
      (failure: Error) => `the bucket ${this.s3.url("")} does not answer (${failure.name}: ${failure.message})`,
    );
    return { status: error === null ? "ok" : "unavailable", error, latencyMs: performance.now() - started };
  }

  override blobSize(_dir: ModelDir, sha256: string): Promise<number | null> {
    return this.s3.size(blobKey(sha256));
  }

  override async findBlob(sha256: string): Promise<string | null> {
    return (await this.s3.size(blobKey(sha256))) === null ? null : this.s3.url(blobKey(sha256));
  }

  /** Every model's already: the bucket stores a blob once, for all of them. */
  override async adoptBlob(_dir: ModelDir, sha256: string): Promise<boolean> {
    return (await this.s3.size(blobKey(sha256))) !== null;
  }

  /** Uploads the verified blob (unless the bucket has it), and keeps it as this replica's local copy. */
  override async commitBlob(dir: ModelDir, partial: string, sha256: string): Promise<void> {
    if ((await this.s3.size(blobKey(sha256))) === null) await this.s3.upload(blobKey(sha256), partial);
    await this.local.commitBlob(dir, partial, sha256);
    await this.copies.bound(new Set([sha256]));
  }

  override async linkSnapshot(dir: ModelDir, revision: string, path: string, sha256: string): Promise<void> {
    const sizeBytes = await this.s3.size(blobKey(sha256));
    if (sizeBytes === null) throw new Error(`the model store has no blob ${sha256} to link ${path} to`);
    await this.s3.putText(entryKey(dir, revision, path), JSON.stringify({ sha256, sizeBytes }));
    if ((await this.local.blobSize(dir, sha256)) !== null) await this.local.linkSnapshot(dir, revision, path, sha256);
  }

  override restorePartial(key: string, partial: string): Promise<void> {
    return this.checkpoints.restore(key, partial);
  }

  override partialProgress(key: string, partial: string, size: number): void {
    this.checkpoints.progress(key, partial, size);
  }

  override dropPartial(key: string): Promise<void> {
    return this.checkpoints.drop(key);
  }

  override async snapshotEntry(dir: ModelDir, revision: string, path: string): Promise<SnapshotEntry | null> {
    return parseEntry(await this.s3.getText(entryKey(dir, revision, path)));
  }

  override async snapshotFiles(dir: ModelDir, revision: string): Promise<ModelFile[]> {
    const prefix = `${dir.name}/snapshots/${safePathSegments(dir.registry, revision).join("/")}/`;
    const entries = await this.readEntries(prefix);
    return entries
      .map(({ key, entry }) => ({ path: key.slice(prefix.length), sizeBytes: entry.sizeBytes, sha256: entry.sha256 }))
      .sort((a, b) => a.path.localeCompare(b.path));
  }

  override async writeRef(dir: ModelDir, branch: string, revision: string): Promise<void> {
    await this.s3.putText(refKey(dir, branch), revision);
  }

  override async resolveRef(dir: ModelDir, branch: string): Promise<string | null> {
    const revision = await this.s3.getText(refKey(dir, branch));
    if (revision === null) return null;
    const prefix = `${dir.name}/snapshots/${safePathSegments(dir.registry, revision).join("/")}/`;
    for await (const _ of this.s3.list(prefix)) return revision;
    return null;
  }

  /**
   * The model folders, from a listing of every model object (a listing with a delimiter would be
   * cheaper, but s3rver answers it for one level of folders only).
   */
  override async modelFolders(): Promise<string[]> {
    const names = new Set<string>();
    for await (const object of this.s3.list("models--")) names.add(object.key.slice(0, object.key.indexOf("/")));
    return [...names].filter((name) => ModelDir.parseFolderName(name) !== null).sort();
  }

  override async hasModel(dir: ModelDir): Promise<boolean> {
    for await (const _ of this.s3.list(`${dir.name}/`)) return true;
    return false;
  }

  override async localFile(dir: ModelDir, revision: string, path: string, fetch = true): Promise<string | null> {
    if (!(await this.snapshotEntry(dir, revision, path))) return null;
    if (fetch) await this.copies.bringSnapshot(dir, revision, await this.snapshotFiles(dir, revision));
    return (await this.local.snapshotEntry(dir, revision, path)) ? dir.snapshotFile(revision, path) : null;
  }

  override async usage(): Promise<CacheUsage> {
    let totalBytes = 0;
    for await (const blob of this.s3.list("blobs/")) totalBytes += blob.size;
    const models = await Promise.all(
      (await this.modelFolders()).map(async (name) => {
        const { registry, id } = ModelDir.parseFolderName(name) as { registry: string; id: string };
        const { entries, lastUsedAt } = await this.modelEntries(name);
        const sizes = new Map(entries.map(({ entry }) => [entry.sha256, entry.sizeBytes]));
        const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
        return { registry, id, bytes, files: entries.length, lastUsedAt };
      }),
    );
    return { totalBytes, models };
  }

  /**
   * Deletes the model's objects, then the blobs no other model's snapshot names (the bucket's
   * equivalent of hard links), and this replica's local copy.
   */
  override async removeModel(dir: ModelDir): Promise<{ bytesFreed: number; files: number }> {
    const { entries, keys } = await this.modelEntries(dir.name);
    await this.s3.delete(keys);
    const stillNamed = new Set<string>();
    for (const name of await this.modelFolders()) {
      if (name === dir.name) continue;
      for (const { entry } of (await this.modelEntries(name)).entries) stillNamed.add(entry.sha256);
    }
    const orphans = new Map(
      entries.filter(({ entry }) => !stillNamed.has(entry.sha256)).map(({ entry }) => [entry.sha256, entry.sizeBytes]),
    );
    await this.s3.delete([...orphans.keys()].map(blobKey));
    await this.local.removeModel(dir);
    return { bytesFreed: [...orphans.values()].reduce((sum, size) => sum + size, 0), files: entries.length };
  }

  override close(): void {
    this.s3.close();
  }

  /** A model's objects: every key, its snapshot entries, and when it last changed. */
  private async modelEntries(name: string) {
    const keys: string[] = [];
    let lastUsedAt = new Date(0);
    for await (const object of this.s3.list(`${name}/`)) {
      keys.push(object.key);
      if (object.lastModified > lastUsedAt) lastUsedAt = object.lastModified;
    }
    const entries = await this.readEntries(`${name}/snapshots/`, keys);
    return { keys, entries, lastUsedAt };
  }

  /** The snapshot entries under a prefix (listed, or from keys already listed), read a few at a time. */
  private async readEntries(prefix: string, listed?: readonly string[]) {
    const keys: string[] = [];
    if (listed) keys.push(...listed.filter((key) => key.startsWith(prefix)));
    else for await (const object of this.s3.list(prefix)) keys.push(object.key);
    const limit = pLimit(READS_AT_ONCE);
    const read = await Promise.all(
      keys.map((key) => limit(async () => ({ key, entry: parseEntry(await this.s3.getText(key)) }))),
    );
    return read.filter((item): item is { key: string; entry: SnapshotEntry } => item.entry !== null);
  }
}

export function blobKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `blobs/${sha256}`;
}

function entryKey(dir: ModelDir, revision: string, path: string): string {
  const segments = [...safePathSegments(dir.registry, revision), ...safePathSegments(dir.registry, path)];
  return `${dir.name}/snapshots/${segments.join("/")}`;
}

function refKey(dir: ModelDir, branch: string): string {
  return `${dir.name}/refs/${safePathSegments(dir.registry, branch).join("/")}`;
}

function parseEntry(text: string | null): SnapshotEntry | null {
  if (text === null) return null;
  try {
    const { sha256, sizeBytes } = JSON.parse(text) as Partial<SnapshotEntry>;
    return typeof sha256 === "string" && /^[0-9a-f]{64}$/.test(sha256) && typeof sizeBytes === "number"
      ? { sha256, sizeBytes }
      : null;
  } catch {
    return null;
  }
}
