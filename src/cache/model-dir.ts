import { join } from "node:path";
import { InvalidInput } from "../domain/errors.js";
import { safePathSegments, unsafePathReason } from "./safe-path.js";

const PREFIX = "models--";
const SEPARATOR = "--";

/** Where a blob is written while it downloads, and the lock that makes one process its writer. */
export interface PartialFiles {
  partial: string;
  lock: string;
}

/**
 * The paths of the content-addressed cache, in the layout of the Hugging Face cache with the
 * registry as the first part of the folder name:
 *
 *   <root>/models--<registry>--<org>--<name>/
 *     blobs/<sha256>                   verified content, stored once (hard links across models)
 *     blobs/<key>.incomplete, .lock    a download in progress and its writer's lock
 *     snapshots/<revision>/<path>      symlinks to ../../blobs/<sha256>
 *     refs/<branch>                    the revision the branch pointed at when last pulled
 *
 * Every registry-given part (id, revision, file path) is validated before it becomes a path.
 */
export class ModelDir {
  /** The folder's name, `models--<registry>--<org>--<name>`. */
  readonly name: string;
  readonly path: string;

  constructor(
    root: string,
    readonly registry: string,
    readonly id: string,
  ) {
    this.name = ModelDir.folderName(registry, id);
    this.path = join(root, this.name);
  }

  /** `models--hf--org--name` for `hf:org/name` (Hugging Face forbids "--" in ids for this reason). */
  static folderName(registry: string, id: string): string {
    const reason = unsafePathReason(id);
    if (reason !== null) {
      throw new InvalidInput(`The model id ${JSON.stringify(id)} cannot name a cache folder: ${reason}.`, {
        field: "ref",
      });
    }
    return [PREFIX + registry, ...id.split("/")].join(SEPARATOR);
  }

  /** The model a folder name stands for, or null when the folder is not a model's. */
  static parseFolderName(name: string): { registry: string; id: string } | null {
    if (!name.startsWith(PREFIX)) return null;
    const [registry, ...id] = name.slice(PREFIX.length).split(SEPARATOR);
    if (!registry || id.length === 0) return null;
    return { registry, id: id.join("/") };
  }

  get blobsDir(): string {
    return join(this.path, "blobs");
  }

  get snapshotsDir(): string {
    return join(this.path, "snapshots");
  }

  blob(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.blobsDir, sha256);
  }

  /** `key` is the expected sha256, or a digest of revision and path when the registry gives none. */
  partialFiles(key: string): PartialFiles {
    return { partial: join(this.blobsDir, `${key}.incomplete`), lock: join(this.blobsDir, `${key}.lock`) };
  }

  snapshot(revision: string): string {
    return join(this.snapshotsDir, ...safePathSegments(this.registry, revision));
  }

  snapshotFile(revision: string, path: string): string {
    return join(this.snapshot(revision), ...safePathSegments(this.registry, path));
  }

  ref(branch: string): string {
    return join(this.path, "refs", ...safePathSegments(this.registry, branch));
  }
}
