/**
 * The model cache as the API shows it: `cache` (usage, models, limits) and `removeModel`.
 */
import type { CachedModelUsage } from "../cache/cache-usage.js";
import { parseModelRef } from "../domain/model-ref.js";
import type { CacheReport, RemovedModel } from "../services/model-cache.js";
import { builder } from "./builder.js";
import { answeringFailures, gatewayErrors } from "./gateway-error.js";

const CachedModel = builder.objectRef<CachedModelUsage>("CachedModel").implement({
  description: "A model with files in the cache.",
  fields: (t) => ({
    ref: t.string({
      description: "Its reference, `<registry>:<id>` (every revision pulled is in the cache together).",
      resolve: (model) => `${model.registry}:${model.id}`,
    }),
    bytes: t.field({
      type: "SafeInt",
      description: "Bytes of its verified files (a file shared with another model counts for both).",
      resolve: (model) => model.bytes,
    }),
    files: t.int({ description: "Files across its snapshots.", resolve: (model) => model.files }),
    lastUsedAt: t.field({
      type: "DateTime",
      description: "When it was last pulled or read through the gateway.",
      resolve: (model) => model.lastUsedAt,
    }),
  }),
});

const Cache = builder.objectRef<CacheReport>("Cache").implement({
  description: "The content-addressed model cache (CACHE_DIR).",
  fields: (t) => ({
    totalBytes: t.field({
      type: "SafeInt",
      description: "Bytes it takes on disk, each stored file once, downloads in progress included.",
      resolve: (cache) => cache.totalBytes,
    }),
    freeBytes: t.field({
      type: "SafeInt",
      description: "Free bytes on its disk.",
      resolve: (cache) => cache.freeBytes,
    }),
    models: t.field({
      type: [CachedModel],
      description: "Its models, by reference.",
      resolve: (cache) => cache.models,
    }),
  }),
});

const RemovedModelObject = builder.objectRef<RemovedModel>("RemovedModel").implement({
  description: "A model removed from the cache.",
  fields: (t) => ({
    ref: t.exposeString("ref", { description: "The model removed." }),
    bytesFreed: t.field({
      type: "SafeInt",
      description: "Bytes freed on disk (files another model still uses stay, and are not counted).",
      resolve: (removed) => removed.bytesFreed,
    }),
    files: t.exposeInt("files", { description: "Files removed from its snapshots." }),
  }),
});

builder.queryField("cache", (t) =>
  t.field({
    type: Cache,
    description: "What the model cache holds and the room left on its disk.",
    resolve: (_root, _args, { services }) => services.cache.report(),
  }),
);

builder.mutationField("removeModel", (t) =>
  t.field({
    type: RemovedModelObject,
    errors: gatewayErrors("RemoveModel", "The removed model, or why it could not be removed."),
    description:
      "Removes a model (every revision) from the cache, after cancelling its running pulls. Files another model shares stay. Needs the admin scope: the cache is shared by every client.",
    args: { ref: t.arg.string({ required: true, description: "The model reference, `<registry>:<id>`." }) },
    authScopes: { admin: true },
    resolve: (_root, { ref }, ctx) => answeringFailures(ctx, () => ctx.services.cache.remove(parseModelRef(ref))),
  }),
);
