import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { IntegrityError, RegistryUnavailable } from "../../domain/errors.js";
import {
  type ApiDescriptor,
  type ApiImageManifest,
  ApiImageManifestSchema,
  type ApiIndex,
  ApiIndexSchema,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  parseApi,
  parseJson,
} from "./api-types.js";
import type { RepositoryRef } from "./references.js";
import type { RegistryCall, RegistryHttp } from "./registry-http.js";

/** An image manifest as the registry stored it, with the digest that names those exact bytes. */
export interface ResolvedManifest {
  repository: string;
  /** `sha256:<hex>` of the bytes: the model's revision. */
  digest: string;
  bytes: Buffer;
  manifest: ApiImageManifest;
  /**
   * The reference that fetches these bytes: the tag they were read by, else the digest. Ollama's
   * registry is not known to serve manifests by digest, so the manifest file is downloaded by tag
   * where it can be (a moved tag then fails the sha256 check, as it should).
   */
  fetchedBy: string;
}

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
/** An index of indexes is followed this deep at most. */
const MAX_DEPTH = 3;

/**
 * Reads manifests by tag or digest. A tag resolves to the digest of the bytes the registry
 * answered (computed here, so a lying Docker-Content-Digest header cannot matter), a digest is
 * checked against the bytes; an image index (or Docker manifest list) resolves to one of its
 * manifests, chosen by pickFromIndex. Manifests named by digest never change, so they are kept.
 */
export class ManifestReader {
  private readonly byDigest = new LRUCache<string, ResolvedManifest>({ max: 256 });

  constructor(
    private readonly http: RegistryHttp,
    private readonly registry: string,
    /** `os/arch[/variant]` to choose from an index; null for the documented default. */
    private readonly platform: string | null,
  ) {}

  async resolve(ref: RepositoryRef, call: RegistryCall): Promise<ResolvedManifest> {
    let reference = ref.reference;
    let isDigest = ref.isDigest;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const cached = isDigest ? this.byDigest.get(`${ref.repository}@${reference}`) : undefined;
      if (cached) return cached;
      const reply = await this.http.request(
        `/v2/${ref.repository}/manifests/${reference}`,
        { scope: pullScope(ref.repository), accept: MANIFEST_ACCEPT },
        call,
      );
      const digest = `sha256:${createHash("sha256").update(reply.body).digest("hex")}`;
      if (isDigest && digest !== reference) {
        throw new IntegrityError(
          `Registry ${this.registry} answered a manifest of ${ref.repository} whose digest is ${digest}, not ${reference}.`,
          { registry: this.registry },
        );
      }
      const json = parseJson(reply.body, `manifest of ${ref.repository}`, this.registry) as Record<string, unknown>;
      const mediaType = typeof json.mediaType === "string" ? json.mediaType : contentType(reply.headers);
      if (INDEX_TYPES.has(mediaType) || (Array.isArray(json.manifests) && !("layers" in json))) {
        const index = parseApi(ApiIndexSchema, json, `index of ${ref.repository}`, this.registry);
        reference = pickFromIndex(index, this.platform, ref.repository, this.registry).digest;
        isDigest = true;
        continue;
      }
      if (json.schemaVersion === 1) {
        throw new RegistryUnavailable(
          this.registry,
          `${ref.repository} has a schema 1 manifest, which the gateway does not read (push it again with a current client).`,
        );
      }
      const manifest = parseApi(ApiImageManifestSchema, json, `manifest of ${ref.repository}`, this.registry);
      const resolved = { repository: ref.repository, digest, bytes: reply.body, manifest, fetchedBy: reference };
      this.byDigest.set(`${ref.repository}@${digest}`, resolved);
      return resolved;
    }
    throw new RegistryUnavailable(this.registry, `the indexes of ${ref.repository} nest more than ${MAX_DEPTH} deep.`);
  }
}

/**
 * The manifest of an index the gateway reads: the first without a platform (an artifact's, or
 * ModelPack's), else the first for the configured platform, else the first that is not an
 * attestation (buildx marks those unknown/unknown), else the first.
 */
export function pickFromIndex(index: ApiIndex, platform: string | null, repository: string, registry: string) {
  const manifests = index.manifests;
  const wanted = platform?.split("/");
  const matches = (descriptor: ApiDescriptor) =>
    wanted !== undefined &&
    descriptor.platform?.os === wanted[0] &&
    descriptor.platform?.architecture === wanted[1] &&
    (wanted[2] === undefined || descriptor.platform?.variant === wanted[2]);
  const chosen =
    manifests.find((descriptor) => !descriptor.platform) ??
    manifests.find(matches) ??
    manifests.find((descriptor) => descriptor.platform?.os !== "unknown") ??
    manifests[0];
  if (!chosen) throw new RegistryUnavailable(registry, `the index of ${repository} lists no manifest.`);
  return chosen;
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function contentType(headers: Headers): string {
  return (headers.get("content-type")?.split(";")[0] ?? "").trim();
}
