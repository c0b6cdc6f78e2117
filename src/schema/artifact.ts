/**
 * One identity for bytes: `artifact(sha256)` lists every model file known to hold them and
 * whether the cache has them; `ModelFile.alsoAt` says where else a file's bytes are published.
 */
import type { ArtifactLocation } from "../db/artifact-index.js";
import { formatModelRef } from "../domain/model-ref.js";
import type { Artifact } from "../services/artifacts.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import { ModelFileObject } from "./model.js";

const KnownByEnum = describedEnum("ArtifactKnownBy", "How the gateway knows a file holds an artifact's bytes.", {
  REGISTRY: "The registry lists the file with this sha256.",
  PULL: "A pull downloaded the file and verified this sha256 (for registries that publish none, computed).",
} satisfies Record<ArtifactLocation["knownBy"], string>);

const ArtifactLocationObject = builder.objectRef<ArtifactLocation>("ArtifactLocation").implement({
  description: "A model file known to hold an artifact's bytes.",
  fields: (t) => ({
    registry: t.exposeString("registry", { description: "The registry that publishes it." }),
    model: t.string({
      description: "The model's reference, at the revision the file was seen at (pull it, or pass it to model).",
      resolve: (place) => formatModelRef({ registry: place.registry, id: place.modelId, revision: place.revision }),
    }),
    path: t.exposeString("path", { description: "The file's path inside that model." }),
    sizeBytes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Its size, as that registry or pull states it.",
      resolve: (place) => place.sizeBytes,
    }),
    knownBy: t.field({ type: KnownByEnum, description: "How the gateway knows.", resolve: (place) => place.knownBy }),
  }),
});

const ArtifactObject = builder.objectRef<Artifact>("Artifact").implement({
  description: "A file's bytes, known by their sha256, wherever they are published; the cache stores them once.",
  fields: (t) => ({
    sha256: t.exposeString("sha256", { description: "Lower-case hex sha256 of the bytes." }),
    sizeBytes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Their size, when a location states it.",
      resolve: (artifact) => artifact.sizeBytes,
    }),
    cached: t.exposeBoolean("cached", {
      description: "Whether the cache holds the bytes (a pull of any location links them without downloading).",
    }),
    locations: t.field({
      type: [ArtifactLocationObject],
      description: "Every model file known to hold them: listed by a registry, or verified by a pull.",
      resolve: (artifact) => artifact.locations,
    }),
  }),
});

builder.queryField("artifact", (t) =>
  t.field({
    type: ArtifactObject,
    description:
      "A file's bytes by sha256: every model file, in any registry, known to hold them, and whether the cache has them. Known means seen by a model lookup or a pull.",
    args: { sha256: t.arg.string({ required: true, description: "Lower-case or upper-case hex sha256, 64 digits." }) },
    resolve: (_root, { sha256 }, { services }) => services.artifacts.describe(sha256),
  }),
);

builder.objectField(ModelFileObject, "alsoAt", (t) =>
  t.loadableList({
    type: ArtifactLocationObject,
    description:
      "Other model files known to hold the same bytes (same sha256), in this or other registries: a pull of either is served from one copy. Empty when the registry gives no sha256.",
    // One key per file (its hash and whose file it is); one batch of hashes per request.
    load: async (keys: string[], { services }) => {
      const files = keys.map((key) => JSON.parse(key) as [string, string, string, string]);
      const found = await services.artifacts.locations(files.map(([sha256]) => sha256).filter(Boolean));
      return files.map(([sha256, registry, id, path]) =>
        (found.get(sha256) ?? []).filter(
          (place) => !(place.registry === registry && place.modelId === id && place.path === path),
        ),
      );
    },
    resolve: (file) =>
      JSON.stringify([file.sha256?.toLowerCase() ?? "", file.owner.registry, file.owner.id, file.path]),
  }),
);
