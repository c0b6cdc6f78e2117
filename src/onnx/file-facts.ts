import { createHash } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { pipeline } from "node:stream/promises";
import pLimit from "p-limit";
import { readOnnxHead } from "./onnx-file-head.js";
import { type OnnxMetadata, readOnnxMetadata } from "./read-metadata.js";

/** A model file's metadata, or why it could not be read. */
export type OnnxFacts = { sha256: string; metadata: OnnxMetadata } | { sha256: string | null; brokenReason: string };

/**
 * Files read at once, across the process: a first search over a folder of large models streams
 * them a few at a time instead of all at once.
 */
const reads = pLimit(4);

/**
 * Hashes and ONNX metadata, computed once per version of a file (path, size, mtime, inode) and
 * shared by concurrent requests, so a search never re-reads unchanged models. Files are streamed
 * for their hash and only their head is read for metadata: memory stays small whatever their size.
 */
export class FileFacts {
  private readonly digests = new Map<string, { version: string; value: Promise<string> }>();
  private readonly models = new Map<string, { version: string; value: Promise<OnnxFacts> }>();

  sha256(path: string, stats: Stats): Promise<string> {
    return memo(this.digests, path, stats, () => reads(() => hashFile(path)));
  }

  onnx(path: string, stats: Stats): Promise<OnnxFacts> {
    return memo(this.models, path, stats, async () => {
      const sha256 = await this.sha256(path, stats).catch(() => null);
      if (sha256 === null) return { sha256, brokenReason: "cannot read the file" };
      try {
        return { sha256, metadata: readOnnxMetadata(await reads(() => readOnnxHead(path))) };
      } catch (error) {
        return { sha256, brokenReason: (error as Error).message };
      }
    });
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
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
