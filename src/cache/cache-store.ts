import { randomBytes } from "node:crypto";
import { constants, existsSync } from "node:fs";
import {
  access,
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  statfs,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import type { DependencyHealth } from "../db/database-health.js";
import type { ModelFile } from "../domain/model.js";
import { type CacheUsage, measureCache, removeModelFolder } from "./cache-usage.js";
import { ModelDir } from "./model-dir.js";

/** A file as a snapshot holds it. */
export interface SnapshotEntry {
  sizeBytes: number;
  /** The blob's name: its sha256. */
  sha256: string;
}

/**
 * The cache's files: verified blobs, the snapshot links that name them, and the refs that name
 * snapshots. Every change is a rename of a finished file (or link) into place, so a reader never
 * sees a half-written one and a crash leaves only temporary files behind. This is the embedded
 * store, a local folder; S3CacheStore keeps the same model in a bucket replicas share, with this
 * folder as each replica's own copy of the blobs it runs.
 */
export class CacheStore {
  /** What /health calls the store. */
  readonly kind: "local-folder" | "s3" = "local-folder";

  constructor(readonly root: string) {}

  /** Whether the store can be written (for /health, and before a pull). */
  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    const error = await access(this.root, constants.W_OK).then(
      () => null,
      () => "the cache folder (CACHE_DIR) is missing or not writable by the gateway's user",
    );
    return { status: error === null ? "ok" : "unavailable", error, latencyMs: performance.now() - started };
  }

  /** What the store holds, per model and in total. */
  usage(): Promise<CacheUsage> {
    return measureCache(this);
  }

  /** Deletes a model (every revision); blobs another model shares stay. */
  removeModel(dir: ModelDir): Promise<{ bytesFreed: number; files: number }> {
    return removeModelFolder(dir);
  }

  /** Whether the store holds anything of a model. */
  async hasModel(dir: ModelDir): Promise<boolean> {
    return (await this.modelFolders()).includes(dir.name);
  }

  /**
   * The path on this machine of a file of a snapshot, beside the snapshot's other files (an ONNX
   * graph finds its external data by relative path); null when the snapshot lacks it. `fetch`:
   * whether a store that keeps blobs elsewhere may bring it here (a local folder has it already).
   */
  async localFile(dir: ModelDir, revision: string, path: string, _fetch = true): Promise<string | null> {
    return (await this.snapshotEntry(dir, revision, path)) ? dir.snapshotFile(revision, path) : null;
  }

  /**
   * Before a download resumes: brings the bytes another process checkpointed into the shared
   * store back into the local partial file. The local folder needs nothing: its partial file is
   * already where every process on this cache finds it.
   */
  async restorePartial(_key: string, _partial: string): Promise<void> {}

  /** The partial file has grown to `size` bytes (a shared store may checkpoint them). */
  partialProgress(_key: string, _partial: string, _size: number): void {}

  /** The download is over (in place, or its bytes were wrong): its checkpoints can go. */
  async dropPartial(_key: string): Promise<void> {}

  close(): void {}

  modelDir(registry: string, id: string): ModelDir {
    return new ModelDir(this.root, registry, id);
  }

  /** The size of a verified blob, or null when the model has no such blob. */
  async blobSize(dir: ModelDir, sha256: string): Promise<number | null> {
    const stats = await stat(dir.blob(sha256)).catch(() => null);
    return stats?.isFile() ? stats.size : null;
  }

  /** Where a verified blob with this sha256 lies in the cache, in any model's folder; null when none holds it. */
  findBlob(sha256: string, except?: ModelDir): Promise<string | null> {
    return this.findLocalBlob(sha256, except);
  }

  /** A verified blob in this machine's folder, in any model's folder. */
  protected async findLocalBlob(sha256: string, except?: ModelDir): Promise<string | null> {
    for (const name of await this.modelFolders()) {
      const path = join(this.root, name, "blobs", sha256);
      if (path !== except?.blob(sha256) && (await stat(path).catch(() => null))?.isFile()) return path;
    }
    return null;
  }

  /** Makes a blob another model already holds this model's too (a hard link: stored once). */
  async adoptBlob(dir: ModelDir, sha256: string): Promise<boolean> {
    const source = await this.findLocalBlob(sha256, dir);
    if (source === null) return false;
    const target = dir.blob(sha256);
    await mkdir(dir.blobsDir, { recursive: true });
    const temp = tempName(target);
    // Hard links need one filesystem; CACHE_DIR is one folder, but fall back to a copy anyway.
    await link(source, temp).catch(() => copyFile(source, temp));
    await rename(temp, target);
    return true;
  }

  /** Moves a verified partial file into place as the blob named by its sha256. */
  async commitBlob(dir: ModelDir, partial: string, sha256: string): Promise<void> {
    await rename(partial, dir.blob(sha256));
  }

  /** Points `snapshots/<revision>/<path>` at the blob, replacing what was there. */
  async linkSnapshot(dir: ModelDir, revision: string, path: string, sha256: string): Promise<void> {
    const file = dir.snapshotFile(revision, path);
    await mkdir(dirname(file), { recursive: true });
    const temp = tempName(file);
    await symlink(relative(dirname(file), dir.blob(sha256)), temp);
    await rename(temp, file);
  }

  /** What `snapshots/<revision>/<path>` holds, or null when it is missing or dangling. */
  async snapshotEntry(dir: ModelDir, revision: string, path: string): Promise<SnapshotEntry | null> {
    const file = dir.snapshotFile(revision, path);
    const [target, stats] = await Promise.all([readlink(file).catch(() => null), stat(file).catch(() => null)]);
    if (target === null || !stats?.isFile()) return null;
    return { sizeBytes: stats.size, sha256: basename(target) };
  }

  /** Every file of a snapshot with its size and sha256, by path. */
  async snapshotFiles(dir: ModelDir, revision: string): Promise<ModelFile[]> {
    const root = dir.snapshot(revision);
    const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
    const files = await Promise.all(
      entries
        .filter((entry) => !entry.isDirectory() && !entry.name.endsWith(".tmp"))
        .map(async (entry) => {
          const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join("/");
          const found = await this.snapshotEntry(dir, revision, path);
          return found && { path, sizeBytes: found.sizeBytes, sha256: found.sha256 };
        }),
    );
    return files.filter((file) => file !== null).sort((a, b) => a.path.localeCompare(b.path));
  }

  async writeRef(dir: ModelDir, branch: string, revision: string): Promise<void> {
    const file = dir.ref(branch);
    await mkdir(dirname(file), { recursive: true });
    const temp = tempName(file);
    await writeFile(temp, revision);
    await rename(temp, file);
  }

  /** The snapshot a branch (or a pinned revision) names, once a pull of it has succeeded. */
  async resolveRef(dir: ModelDir, branch: string): Promise<string | null> {
    // Most models a client reads are not cached: answering that must not cost a failed open (an
    // error with a stack trace) on every read, so the common "not there" is a cheap existence check.
    if (!existsSync(dir.ref(branch))) return null;
    const revision = await readFile(dir.ref(branch), "utf8").catch(() => null);
    if (revision === null) return null;
    return (await stat(dir.snapshot(revision)).catch(() => null))?.isDirectory() ? revision : null;
  }

  /** Marks a model as used now (its folder's mtime is the cache listing's lastUsedAt). */
  async touch(dir: ModelDir): Promise<void> {
    const now = new Date();
    await utimes(dir.path, now, now).catch(() => undefined);
  }

  /**
   * Removes a model's folder when a failed pull left nothing in it worth keeping: no blob, no
   * link, no partial download with a byte to resume from.
   */
  async removeIfEmpty(dir: ModelDir): Promise<void> {
    const entries = await readdir(dir.path, { withFileTypes: true, recursive: true }).catch(() => null);
    if (entries === null) return;
    const sizes = await Promise.all(
      entries
        .filter((entry) => !entry.isDirectory())
        .map(async (entry) => (await stat(join(entry.parentPath, entry.name)).catch(() => null))?.size ?? 0),
    );
    if (sizes.every((size) => size === 0)) await rm(dir.path, { recursive: true, force: true });
  }

  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const stats = await statfs(this.root);
    return stats.bavail * stats.bsize;
  }

  /** Model folders in this machine's folder (for the S3 store too: its local copy). */
  async modelFolders(): Promise<string[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    return names.filter((name) => ModelDir.parseFolderName(name) !== null).sort();
  }
}

function tempName(path: string): string {
  return `${path}.${randomBytes(6).toString("hex")}.tmp`;
}
