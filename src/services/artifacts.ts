import type { CacheStore } from "../cache/cache-store.js";
import type { ArtifactIndex, ArtifactLocation } from "../db/artifact-index.js";
import { InvalidInput } from "../domain/errors.js";

/** One file's bytes as the gateway knows them, wherever they are published. */
export interface Artifact {
  sha256: string;
  sizeBytes: number | null;
  /** Whether the cache holds the bytes (under any model). */
  cached: boolean;
  locations: ArtifactLocation[];
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The identity of bytes across registries: every file known by its sha256 is one artifact, listed
 * by every registry that publishes it and every pull that verified it; the cache stores it once.
 */
export class Artifacts {
  constructor(
    private readonly index: ArtifactIndex,
    private readonly store: CacheStore,
  ) {}

  async describe(sha256: string): Promise<Artifact> {
    const sha = sha256.trim().toLowerCase();
    if (!SHA256.test(sha)) {
      throw new InvalidInput(`sha256 must be 64 hexadecimal digits (got ${JSON.stringify(sha256.slice(0, 80))}).`, {
        field: "sha256",
      });
    }
    const [locations, blob] = await Promise.all([
      this.index.locations([sha]).then((found) => found.get(sha) ?? []),
      this.store.findBlob(sha),
    ]);
    const sizeBytes = locations.find((location) => location.sizeBytes !== null)?.sizeBytes ?? null;
    return { sha256: sha, sizeBytes, cached: blob !== null, locations };
  }

  /** The locations of many sha256s at once (a request's files, batched). */
  locations(sha256s: readonly string[]): Promise<Map<string, ArtifactLocation[]>> {
    return this.index.locations(sha256s);
  }
}
