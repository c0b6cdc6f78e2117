import { rename, rm, stat } from "node:fs/promises";
import type { S3Objects } from "./s3-objects.js";

/** One download's checkpoints in this process: bytes uploaded so far, and the upload running. */
interface Checkpointing {
  uploaded: number;
  running: Promise<void> | null;
}

/**
 * The bytes of downloads in progress, copied to the shared bucket as they arrive, so a replica
 * that dies mid-pull leaves them where another can resume from: every `chunkBytes` of a partial
 * file, the new range goes up as `partials/<key>/<start>-<end>`. The replica that next holds the
 * blob's lock brings them back into its own partial file before asking the registry for the rest
 * (from that offset, with Range); they are deleted once the blob is in the store. Checkpoints are
 * only ever a head start: the whole file is still checked against its sha256 at the end.
 */
export class PartialCheckpoints {
  private readonly active = new Map<string, Checkpointing>();

  constructor(
    private readonly s3: S3Objects,
    private readonly chunkBytes: number,
  ) {}

  /** Makes the local partial file at least as long as the contiguous checkpoints from byte 0. */
  async restore(key: string, partialPath: string): Promise<void> {
    const chunks = await this.chunks(key);
    let covered = 0;
    const usable = [];
    for (const chunk of chunks) {
      if (chunk.start !== covered) break;
      usable.push(chunk);
      covered = chunk.end;
    }
    const local = (await stat(partialPath).catch(() => null))?.size ?? 0;
    this.active.set(key, { uploaded: covered, running: null });
    if (covered <= local) return;
    const temp = `${partialPath}.restoring`;
    try {
      for (const chunk of usable) await this.s3.download(chunk.key, temp, undefined, true);
      await rename(temp, partialPath);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Called with the partial file's size after each write; uploads a new chunk when one is due. */
  progress(key: string, partialPath: string, size: number): void {
    const state = this.active.get(key) ?? { uploaded: 0, running: null };
    this.active.set(key, state);
    if (state.running) return;
    if (size < state.uploaded) {
      // The download started over (a server that ignored Range): the old checkpoints are wrong now.
      state.running = this.deleteChunks(key).finally(() => {
        state.uploaded = 0;
        state.running = null;
      });
      return;
    }
    if (size - state.uploaded < this.chunkBytes) return;
    const start = state.uploaded;
    const name = `partials/${key}/${String(start).padStart(16, "0")}-${String(size).padStart(16, "0")}`;
    state.running = this.s3
      .uploadRange(name, partialPath, start, size)
      .then(() => {
        state.uploaded = size;
      })
      .catch(() => undefined) // a checkpoint that fails is retried with the next chunk
      .finally(() => {
        state.running = null;
      });
  }

  /** Deletes a download's checkpoints (its blob is in the store, or its bytes were wrong). */
  async drop(key: string): Promise<void> {
    const state = this.active.get(key);
    this.active.delete(key);
    await state?.running;
    await this.deleteChunks(key);
  }

  private async deleteChunks(key: string): Promise<void> {
    await this.s3.delete((await this.chunks(key)).map((chunk) => chunk.key));
  }

  private async chunks(key: string) {
    const found: Array<{ key: string; start: number; end: number }> = [];
    for await (const object of this.s3.list(`partials/${key}/`)) {
      const match = /\/(\d{16})-(\d{16})$/.exec(object.key);
      if (match) found.push({ key: object.key, start: Number(match[1]), end: Number(match[2]) });
    }
    return found.sort((a, b) => a.start - b.start);
  }
}
