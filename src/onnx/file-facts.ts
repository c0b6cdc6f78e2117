import { createHash } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { type OnnxMetadata, readOnnxMetadata } from "./read-metadata.js";

/** A model file's metadata, or why it could not be read. */
export type OnnxFacts = { sha256: string; metadata: OnnxMetadata } | { sha256: string | null; brokenReason: string };

/**
 * Hashes and ONNX metadata, computed once per version of a file (path, size, mtime, inode) and
 * shared by concurrent requests, so a search never re-reads unchanged models.
 */
export class FileFacts {
  private readonly digests = new Map<string, { version: string; value: Promise<string> }>();
  private readonly models = new Map<string, { version: string; value: Promise<OnnxFacts> }>();

  sha256(path: string, stats: Stats): Promise<string> {
    return memo(this.digests, path, stats, async () => {
      const hash = createHash("sha256");
      await pipeline(createReadStream(path), hash);
      return hash.digest("hex");
    });
  }

  onnx(path: string, stats: Stats): Promise<OnnxFacts> {
    return memo(this.models, path, stats, async () => {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        return { sha256: null, brokenReason: `cannot read the file (${(error as Error).message})` };
      }
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      try {
        return { sha256, metadata: readOnnxMetadata(bytes) };
      } catch (error) {
        return { sha256, brokenReason: (error as Error).message };
      }
    });
  }
}

function memo<T>(
  cache: Map<string, { version: string; value: Promise<T> }>,
  path: string,
  stats: Stats,
  compute: () => Promise<T>,
): Promise<T> {
  const version = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  const hit = cache.get(path);
  if (hit?.version === version) return hit.value;
  const value = compute();
  cache.set(path, { version, value });
  value.catch(() => cache.delete(path));
  return value;
}
