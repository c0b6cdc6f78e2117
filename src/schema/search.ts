/**
 * `searchModels`: one federated search over every registry, its filters, sorts, cursor and
 * the failures of registries that did not answer.
 */
import type { MODEL_SORTS } from "../domain/model.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../services/federated-search.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import { ErrorCodeEnum } from "./error-code.js";
import { ModelFormatEnum, ModelObject, type ModelView } from "./model.js";

const ModelSortEnum = describedEnum("ModelSort", "How merged search results are ordered.", {
  RELEVANCE: "Each registry's own relevance order, interleaved rank by rank (default).",
  DOWNLOADS: "Most downloaded first; registries without counts last.",
  LIKES: "Most liked first; registries without likes last.",
  UPDATED: "Most recently updated first.",
  NAME: "By name, A to Z. The Hugging Face Hub cannot sort by name: its results come in its own order, sorted by name within each page it returns.",
} satisfies Record<(typeof MODEL_SORTS)[number], string>);

const IntRange = builder.inputType("IntRange", {
  description: "An inclusive range; either end may be left out.",
  fields: (t) => ({
    min: t.field({ type: "SafeInt", description: "Smallest accepted value." }),
    max: t.field({ type: "SafeInt", description: "Largest accepted value." }),
  }),
});

const ModelFilterInput = builder.inputType("ModelFilter", {
  description: "Filters each registry applies as far as it can (a registry that cannot apply one ignores it).",
  fields: (t) => ({
    task: t.string({ description: 'Task in Hugging Face pipeline terms, e.g. "image-classification".' }),
    tags: t.stringList({ description: "Tags the model must all have." }),
    format: t.field({ type: ModelFormatEnum, description: "Weight format." }),
    author: t.string({ description: "Author or organisation." }),
    library: t.string({ description: 'Library, e.g. "onnx", "transformers".' }),
    sizeBytes: t.field({
      type: IntRange,
      description: "Total size in bytes (the Hugging Face Hub cannot filter by size and ignores it).",
    }),
    opset: t.field({ type: IntRange, description: "ONNX operator set version (registries that know it)." }),
  }),
});

const RegistryFailureObject = builder
  .objectRef<{ registry: string; code: string; message: string; retryAfterSeconds: number | null }>("RegistryFailure")
  .implement({
    description: "A registry that failed or timed out during a federated query; the others still answered.",
    fields: (t) => ({
      registry: t.exposeString("registry", { description: "The registry's name." }),
      code: t.field({
        type: ErrorCodeEnum,
        description: "Why it failed.",
        resolve: (failure) => failure.code as typeof ErrorCodeEnum.$inferType,
      }),
      message: t.exposeString("message", { description: "What went wrong, for people." }),
      retryAfterSeconds: t.int({
        nullable: true,
        description: "When rate limited, how long to wait before retrying.",
        resolve: (failure) => failure.retryAfterSeconds,
      }),
    }),
  });

const ModelSearchConnection = builder.connectionObject(
  {
    type: ModelObject,
    name: "ModelSearchConnection",
    description: "Search results merged from every selected registry.",
    fields: (t) => ({
      failures: t.field({
        type: [RegistryFailureObject],
        description: "Registries that failed or timed out; their results are missing from this page.",
        resolve: (connection) => (connection as unknown as { failures: [] }).failures,
      }),
    }),
  },
  { name: "ModelSearchEdge", description: "One search result and the cursor after it." },
);

builder.queryField("searchModels", (t) =>
  t.field({
    type: ModelSearchConnection,
    description:
      "Searches the selected registries at once and merges their results. A failing or slow registry becomes a failure entry; the others still answer.",
    args: {
      query: t.arg.string({ description: "Words to look for in names, tags and descriptions; leave out to list." }),
      registries: t.arg.stringList({ description: "Registry names to search; all enabled ones when left out." }),
      filter: t.arg({ type: ModelFilterInput, description: "Filters applied by each registry as far as it can." }),
      sort: t.arg({ type: ModelSortEnum, defaultValue: "RELEVANCE", description: "Result order." }),
      first: t.arg.int({
        defaultValue: DEFAULT_PAGE_SIZE,
        description: `Results per page, 0 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
      }),
      after: t.arg.string({ description: "The endCursor of the previous page, to read the next one." }),
    },
    resolve: async (_root, args, { services, signal }) => {
      const result = await services.search.search(
        {
          query: args.query ?? null,
          registries: args.registries ?? null,
          filter: args.filter ?? {},
          sort: args.sort ?? "RELEVANCE",
          first: args.first ?? DEFAULT_PAGE_SIZE,
          after: args.after ?? null,
        },
        signal,
      );
      const edges = result.edges.map(({ cursor, node }) => ({
        cursor,
        node: {
          ref: { registry: node.registry, id: node.id, revision: node.refRevision ?? null },
          summary: node,
          lookup: null,
        } satisfies ModelView,
      }));
      return {
        edges,
        pageInfo: {
          hasNextPage: result.hasNextPage,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        failures: result.failures,
      };
    },
  }),
);
