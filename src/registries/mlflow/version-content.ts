import { LRUCache } from "lru-cache";
import type { ApiModelVersion } from "./api-types.js";
import { listArtifactFiles, listFolder } from "./artifact-listing.js";
import { type LocationContext, proxyUrl, resolveArtifactRoot, underRoot } from "./artifact-location.js";
import { readMlmodel } from "./mlmodel.js";
import type { VersionContent } from "./model-mapping.js";

/** A READY version's content, with where it lies under the artifact proxy. */
export interface ReadContent extends VersionContent {
  root: string;
}

/** Versions whose content is remembered. */
const CACHED_VERSIONS = 500;

/**
 * Reads what a model version holds: its artifact root (from its source), every file under it,
 * and its MLmodel file. A READY version's artifacts do not change, so what was read is kept
 * (by name and version) and later calls (each file of a pull, the next search page) cost no
 * request. Only settled answers are kept: a call aborted by its own deadline shares nothing.
 */
export class VersionContents {
  private readonly cache = new LRUCache<string, ReadContent>({ max: CACHED_VERSIONS });

  constructor(private readonly endpoint: string) {}

  /** The content already read for a version, without any request. */
  known(name: string, version: string): ReadContent | undefined {
    return this.cache.get(key(name, version));
  }

  async read(version: ApiModelVersion, context: LocationContext): Promise<ReadContent> {
    const known = this.known(version.name, version.version);
    if (known) return known;
    const { http, registry, call } = context;
    const root = await resolveArtifactRoot(version, context);
    const listing = await listFolder(http, registry, root, call);
    const hasMlmodel = (listing.files ?? []).some(
      (entry) => !entry.is_dir && entry.path.split("/").at(-1) === "MLmodel",
    );
    const [files, mlmodelText] = await Promise.all([
      listArtifactFiles(http, registry, root, call, listing),
      hasMlmodel ? http.getText(proxyUrl(this.endpoint, underRoot(root, "MLmodel")), call) : Promise.resolve(null),
    ]);
    const content: ReadContent = { root, files, mlmodel: mlmodelText === null ? null : readMlmodel(mlmodelText) };
    if ((version.status ?? "READY") === "READY") this.cache.set(key(version.name, version.version), content);
    return content;
  }
}

function key(name: string, version: string): string {
  return `${name}\n${version}`;
}
