import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Bytes gathered before one write: few large writes keep a download as fast as curl's. */
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * A download's temporary file with the sha256 of exactly the bytes written to it, kept across
 * resumed attempts, so the hash is computed while streaming and never in a second pass. Only a
 * partial file left by an earlier run (or a failed write) is read back to rebuild the hash.
 */
export class PartialFile {
  private hash: Hash = createHash("sha256");
  private hashed = 0;

  constructor(readonly path: string) {}

  /** The bytes on disk, with the running hash brought up to them. */
  async prepare(): Promise<number> {
    const size = (await stat(this.path).catch(() => null))?.size ?? 0;
    if (size !== this.hashed) {
      this.hash = createHash("sha256");
      await pipeline(createReadStream(this.path), async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) this.hash.update(chunk);
      });
      this.hashed = size;
    }
    return size;
  }

  /** Deletes the file: the next attempt starts from zero bytes. */
  async remove(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
    this.restarted();
  }

  get size(): number {
    return this.hashed;
  }

  digest(): string {
    return this.hash.copy().digest("hex");
  }

  /** The file's md5 in base64, read back from disk (for storages that state one). */
  async md5(): Promise<string> {
    const hash = createHash("md5");
    await pipeline(createReadStream(this.path), hash);
    return hash.digest("base64");
  }

  /**
   * Opens the file for appending. Open it before asking for the bytes: a body can only be read
   * from the moment it arrives, or the bytes before a dropped connection are lost with it.
   */
  async writer(onWritten: (size: number) => void): Promise<PartialWriter> {
    await mkdir(dirname(this.path), { recursive: true });
    return new PartialWriter(this, await open(this.path, "a"), onWritten);
  }

  /** Hashes bytes as they are written; a write that fails leaves the hash to be rebuilt from disk. */
  async append(handle: FileHandle, chunks: Buffer[]): Promise<number> {
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const before = this.hashed;
    const written = writeAll(handle, chunks);
    // Hashing on this thread while the write runs on libuv's.
    for (const chunk of chunks) this.hash.update(chunk);
    this.hashed = Number.NaN;
    await written;
    this.hashed = before + length;
    return this.hashed;
  }

  /** Forgets the hash: the file is empty again. */
  restarted(): void {
    this.hash = createHash("sha256");
    this.hashed = 0;
  }
}

/** A stream that appends to a partial file, never past `maxBytes` (then it fails with `tooLarge()`). */
export class PartialWriter extends Writable {
  maxBytes: number | null = null;
  tooLarge: () => Error = () => new Error("too many bytes");

  constructor(
    private readonly file: PartialFile,
    private readonly handle: FileHandle,
    private readonly onWritten: (size: number) => void,
  ) {
    super({ highWaterMark: WRITE_BATCH_BYTES });
  }

  /** Empties the file: the server is sending the whole file after all. */
  async restart(): Promise<void> {
    await this.handle.truncate(0);
    this.file.restarted();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const length = chunks.reduce((sum, { chunk }) => sum + chunk.length, 0);
    if (this.maxBytes !== null && this.file.size + length > this.maxBytes) {
      callback(this.tooLarge());
      return;
    }
    this.file
      .append(
        this.handle,
        chunks.map(({ chunk }) => chunk),
      )
      .then((size) => {
        this.onWritten(size);
        callback();
      }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.handle.close().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}

/** One writev for the whole batch (no copy into one buffer), continued where the kernel stopped. */
async function writeAll(handle: FileHandle, chunks: Buffer[]): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    if (bytesWritten === 0) throw new Error("the disk took no bytes");
    const remaining: Buffer[] = [];
    for (const chunk of rest) {
      if (bytesWritten >= chunk.length) bytesWritten -= chunk.length;
      else {
        remaining.push(bytesWritten > 0 ? chunk.subarray(bytesWritten) : chunk);
        bytesWritten = 0;
      }
    }
    rest = remaining;
  }
}
