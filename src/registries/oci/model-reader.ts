import { ModelNotFound, RevisionNotFound } from "../../domain/errors.js";
import type { ModelInfo } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import { type ArtifactFile, artifactFiles } from "./layer-files.js";
import { type ManifestReader, pullScope, type ResolvedManifest } from "./manifests.js";
import { configKind, type ModelConfig, readConfig, toModelInfo } from "./model-mapping.js";
import { OciAnswerError } from "./oci-errors.js";
import { repositoryRef } from "./references.js";
import type { RegistryCall, RegistryHttp } from "./registry-http.js";
import { listTags } from "./repository-listing.js";

/** A model's manifest, resolved, and the files it lists. */
export interface ResolvedModel {
  resolved: ResolvedManifest;
  files: ArtifactFile[];
}

/** A config blob larger than this is not a model config; its facts stay unknown. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads one model of a registry: its manifest (telling an unknown tag from an unknown repository by
 * the repository's tags), its files, its config blob's facts and its tags. `fail` turns the
 * registry's answers into domain errors about the model.
 */
export class ModelReader {
  constructor(
    private readonly registry: string,
    private readonly http: RegistryHttp,
    private readonly manifests: ManifestReader,
    private readonly namespace: string | null,
    private readonly fail: (ref?: ModelRef) => (error: unknown) => never,
  ) {}

  async resolve(ref: ModelRef, call: RegistryCall): Promise<ResolvedModel> {
    const target = repositoryRef(ref, this.namespace);
    try {
      const resolved = await this.manifests.resolve(target, call);
      return { resolved, files: artifactFiles(resolved.manifest, resolved.bytes, resolved.digest) };
    } catch (error) {
      if (!(error instanceof OciAnswerError && error.status === 404)) return this.fail(ref)(error);
      const tags = await this.tags(target.repository, call);
      const text = formatModelRef(ref);
      if (!tags?.length) throw new ModelNotFound(text, { registry: this.registry });
      const shown = tags.slice(0, 20).join(", ") + (tags.length > 20 ? ", …" : "");
      throw new RevisionNotFound(text, target.reference, { registry: this.registry }, `its tags are ${shown}`);
    }
  }

  /** A model's info: its manifest, config blob and the repository's tags (unless already known). */
  async info(ref: ModelRef, call: RegistryCall, knownTags?: string[] | null): Promise<ModelInfo> {
    const { resolved, files } = await this.resolve(ref, call);
    const [config, tags] = await Promise.all([
      this.config(resolved, call),
      knownTags === undefined ? this.tags(resolved.repository, call) : knownTags,
    ]);
    return toModelInfo({ registry: this.registry, resolved, files, config, tags });
  }

  /** The repository's tags; null when the registry does not list them, [] when the repository is unknown. */
  async tags(repository: string, call: RegistryCall): Promise<string[] | null> {
    try {
      return await listTags(this.http, repository, this.registry, call);
    } catch (error) {
      if (error instanceof OciAnswerError && error.status === 404) return error.has("NAME_UNKNOWN") ? [] : null;
      if (error instanceof OciAnswerError && error.status < 500) return null;
      return this.fail()(error);
    }
  }

  /** The config blob's facts, for the formats the gateway reads (Ollama's, ModelPack's); null when unreadable. */
  private async config(resolved: ResolvedManifest, call: RegistryCall): Promise<ModelConfig | null> {
    const kind = configKind(resolved.manifest);
    const { config } = resolved.manifest;
    if (!kind || config.size > MAX_CONFIG_BYTES) return null;
    const reply = await this.http
      .request(
        `/v2/${resolved.repository}/blobs/${config.digest}`,
        { scope: pullScope(resolved.repository), maxBytes: MAX_CONFIG_BYTES },
        call,
      )
      .catch(this.fail());
    try {
      return readConfig(kind, JSON.parse(reply.body.toString()));
    } catch {
      return null; // a config that is not JSON leaves the facts unknown; the files are still good
    }
  }
}
