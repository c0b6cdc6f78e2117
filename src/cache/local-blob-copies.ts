import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { IntegrityError } from "../domain/errors.js";
import type { ModelFile } from "../domain/model.js";
import type { CacheStore } from "./cache-store.js";
import type { ModelDir } from "./model-dir.js";
import type { S3Objects } from "./s3-objects.js";

/** A blob on this machine: every link to it (one per model folder), its size and last use. */
interface LocalBlob {
  sha256: string;
  paths: string[];
  size: number;
  usedAt: number;
}

/**
 * A replica's own copies of blobs the shared store holds, in its local folder: brought in when
 * inference needs a snapshot (verified against their sha256), marked used (mtime) each time,
 * and bounded by CACHE_LOCAL_MAX_BYTES, the least recently used going first. A blob in use by a
 * loaded session can go: ONNX Runtime has read it; the next run that needs it brings it back.
 */
export class LocalBlobCopies {
  /** Blobs being brought in, so concurrent requests for one share the download. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly local: CacheStore,
    private readonly s3: S3Objects,
    private readonly maxBytes: number,
  ) {}

  /** Makes every file of a snapshot present (and linked) in the local folder. */
  async bringSnapshot(dir: ModelDir, revision: string, files: readonly ModelFile[]): Promise<void> {
    const shas = new Set<string>();
    for (const file of files) {
      if (!file.sha256) continue;
      shas.add(file.sha256);
      await this.bringBlob(dir, file.sha256, file.sizeBytes);
      const linked = await this.local.snapshotEntry(dir, revision, file.path);
      if (linked?.sha256 !== file.sha256) await this.local.linkSnapshot(dir, revision, file.path, file.sha256);
    }
    await this.bound(shas);
  }

  /** Deletes the least recently used local blobs until they fit the bound; `keep` are in use now. */
  async bound(keep: ReadonlySet<string>): Promise<void> {
    const blobs = await this.localBlobs();
    let total = blobs.reduce((sum, blob) => sum + blob.size, 0);
    for (const blob of blobs.sort((a, b) => a.usedAt - b.usedAt)) {
      if (total <= this.maxBytes) return;
      if (keep.has(blob.sha256)) continue;
      await Promise.all(blob.paths.map((path) => unlink(path).catch(() => undefined)));
      total -= blob.size;
    }
  }

  private bringBlob(dir: ModelDir, sha256: string, sizeBytes: number | null): Promise<void> {
    const key = `${dir.name}/${sha256}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const work = this.fetchBlob(dir, sha256, sizeBytes).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async fetchBlob(dir: ModelDir, sha256: string, sizeBytes: number | null): Promise<void> {
    const target = dir.blob(sha256);
    const now = new Date();
    if ((await this.local.blobSize(dir, sha256)) !== null) {
      await utimes(target, now, now);
      return;
    }
    // Another model's folder on this machine may hold the same bytes: linked, not downloaded.
    if (await this.local.adoptBlob(dir, sha256)) {
      await utimes(target, now, now);
      return;
    }
    await mkdir(dir.blobsDir, { recursive: true });
    const temp = `${target}.${randomBytes(6).toString("hex")}.download`;
    try {
      const got = await this.s3.download(`blobs/${sha256}`, temp);
      if (got.sha256 !== sha256 || (sizeBytes !== null && got.size !== sizeBytes)) {
        throw new IntegrityError(
          `The model store's blob ${sha256} holds other bytes (sha256 ${got.sha256}, ${got.size} bytes); nothing was kept.`,
        );
      }
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Every verified blob in the local folder, one entry per file (hard links grouped). */
  private async localBlobs(): Promise<LocalBlob[]> {
    const byInode = new Map<string, LocalBlob>();
    for (const folder of await this.local.modelFolders()) {
      const blobs = join(this.local.root, folder, "blobs");
      for (const name of await readdir(blobs).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        const path = join(blobs, name);
        const stats = await stat(path).catch(() => null);
        if (!stats?.isFile()) continue;
        const key = `${stats.dev}:${stats.ino}`;
        const known = byInode.get(key);
        if (known) known.paths.push(path);
        else byInode.set(key, { sha256: name, paths: [path], size: stats.size, usedAt: stats.mtimeMs });
      }
    }
    return [...byInode.values()];
  }
}
