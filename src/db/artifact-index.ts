import type { Database } from "./client.js";

/** One place known to hold a file's bytes: a file of a model at a resolved revision. */
export interface ArtifactLocation {
  registry: string;
  modelId: string;
  /** The resolved revision (a commit, version, digest); null where the registry has none. */
  revision: string | null;
  path: string;
  sizeBytes: number | null;
  /** REGISTRY: the registry lists this sha256; PULL: a pull computed and verified it. */
  knownBy: "REGISTRY" | "PULL";
}

const key = (l: ArtifactLocation) => `${l.registry}\u0000${l.modelId}\u0000${l.revision ?? ""}\u0000${l.path}`;
const size = (value: bigint | null) => (value === null ? null : Number(value));

/**
 * Every file the gateway knows by sha256, whichever registry it came from: the files registries
 * listed with a hash (ModelFileRecord, as model lookups stored them) and the files pulls verified
 * (PullFile, a computed hash included: MLflow and Kaggle publish none). One sha256, one artifact.
 */
export class ArtifactIndex {
  constructor(private readonly db: Database) {}

  /** The locations of each sha256, in one query per table, keyed by the (lower-case) sha256. */
  async locations(sha256s: readonly string[]): Promise<Map<string, ArtifactLocation[]>> {
    const wanted = [...new Set(sha256s.map((sha) => sha.toLowerCase()))];
    const [listed, pulled] = await Promise.all([
      this.db.modelFileRecord.findMany({
        where: { sha256: { in: wanted } },
        select: {
          path: true,
          sizeBytes: true,
          sha256: true,
          model: { select: { registry: true, modelId: true, resolvedRevision: true } },
        },
      }),
      this.db.pullFile.findMany({
        where: { sha256: { in: wanted }, status: { not: "FAILED" } },
        select: {
          path: true,
          sizeBytes: true,
          sha256: true,
          status: true,
          pull: { select: { registry: true, modelId: true, resolvedRevision: true } },
        },
      }),
    ]);
    const found = new Map<string, Map<string, ArtifactLocation>>(wanted.map((sha) => [sha, new Map()]));
    const add = (sha: string | null, location: ArtifactLocation) => {
      const places = found.get(sha ?? "");
      const known = places?.get(key(location));
      if (places && (!known || (known.knownBy === "REGISTRY" && location.knownBy === "PULL")))
        places.set(key(location), location);
    };
    for (const file of listed) {
      add(file.sha256, {
        ...file.model,
        revision: file.model.resolvedRevision,
        path: file.path,
        sizeBytes: size(file.sizeBytes),
        knownBy: "REGISTRY",
      });
    }
    for (const file of pulled) {
      const knownBy = file.status === "VERIFIED" || file.status === "CACHED" ? "PULL" : "REGISTRY";
      add(file.sha256, {
        ...file.pull,
        revision: file.pull.resolvedRevision,
        path: file.path,
        sizeBytes: size(file.sizeBytes),
        knownBy,
      });
    }
    return new Map(
      [...found].map(([sha, places]) => [sha, [...places.values()].sort((a, b) => key(a).localeCompare(key(b)))]),
    );
  }

  /**
   * The sha256 an earlier pull computed and verified for files of a model at a resolved revision:
   * what a registry that publishes no hash (MLflow) is held to on the next pull of that version.
   */
  async verifiedHashes(registry: string, modelId: string, revision: string | null): Promise<Map<string, string>> {
    const files = await this.db.pullFile.findMany({
      where: { status: "VERIFIED", sha256: { not: null }, pull: { registry, modelId, resolvedRevision: revision } },
      select: { path: true, sha256: true },
    });
    return new Map(files.map((file) => [file.path, file.sha256 as string]));
  }
}
