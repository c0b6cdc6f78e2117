import type { Dirent, Stats } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CacheStore } from "./cache-store.js";
import { ModelDir } from "./model-dir.js";

/** One model's share of the cache. */
export interface CachedModelUsage {
  registry: string;
  id: string;
  /** Bytes of its verified blobs (a blob shared with other models counts for each). */
  bytes: number;
  /** Files across its snapshots. */
  files: number;
  /** When it was last pulled or read through the gateway. */
  lastUsedAt: Date;
}

export interface CacheUsage {
  /** Bytes the cache takes on disk: every blob once, plus downloads in progress. */
  totalBytes: number;
  models: CachedModelUsage[];
}

interface BlobFile {
  stats: Stats;
  /** Verified (named by its sha256) rather than a partial or temporary file. */
  verified: boolean;
}

/** Measures the cache: per model, and in total with hard-linked blobs counted once. */
export async function measureCache(store: CacheStore): Promise<CacheUsage> {
  const inodes = new Map<string, number>();
  const models: CachedModelUsage[] = [];
  for (const name of await store.modelFolders()) {
    const { registry, id } = ModelDir.parseFolderName(name) as { registry: string; id: string };
    const dir = store.modelDir(registry, id);
    const [folder, blobs, files] = await Promise.all([
      stat(dir.path).catch(() => null),
      blobFiles(dir),
      countFiles(dir.snapshotsDir),
    ]);
    if (!folder) continue;
    for (const blob of blobs) inodes.set(`${blob.stats.dev}:${blob.stats.ino}`, blob.stats.size);
    const bytes = blobs.filter((b) => b.verified).reduce((sum, b) => sum + b.stats.size, 0);
    models.push({ registry, id, bytes, files, lastUsedAt: folder.mtime });
  }
  const totalBytes = [...inodes.values()].reduce((sum, size) => sum + size, 0);
  return { totalBytes, models };
}

/**
 * Deletes a model's folder. Blobs another model shares are hard links there, so they stay; the
 * bytes freed are those of blobs (and partial files) no other model links to.
 */
export async function removeModelFolder(dir: ModelDir): Promise<{ bytesFreed: number; files: number }> {
  const [blobs, files] = await Promise.all([blobFiles(dir), countFiles(dir.snapshotsDir)]);
  const bytesFreed = blobs.filter((b) => b.stats.nlink === 1).reduce((sum, b) => sum + b.stats.size, 0);
  await rm(dir.path, { recursive: true, force: true });
  return { bytesFreed, files };
}

async function blobFiles(dir: ModelDir): Promise<BlobFile[]> {
  const names = await readdir(dir.blobsDir).catch(() => [] as string[]);
  const blobs = await Promise.all(
    names
      .filter((name) => !name.endsWith(".lock"))
      .map(async (name) => {
        const stats = await stat(join(dir.blobsDir, name)).catch(() => null);
        return stats?.isFile() ? { stats, verified: /^[0-9a-f]{64}$/.test(name) } : null;
      }),
  );
  return blobs.filter((blob): blob is BlobFile => blob !== null);
}

/** Snapshot entries (links to blobs) under a folder, at any depth. */
async function countFiles(folder: string): Promise<number> {
  const entries: Dirent[] = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => !entry.isDirectory() && !entry.name.endsWith(".tmp")).length;
}
