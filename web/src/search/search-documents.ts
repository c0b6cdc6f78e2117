import { graphql, type ResultOf, type VariablesOf } from "../../../src/client/graphql.js";

/** What a result card shows of a model. */
export const ModelCardFields = graphql(`
  fragment ModelCardFields on Model @_unmask {
    ref
    registry
    name
    author
    format
    task
    license
    sizeBytes
    downloads
    likes
    updatedAt
    accessStatus
    cached
    stale
  }
`);

/** One page of a federated search: its results, the registries that failed, the next cursor. */
export const SearchModels = graphql(
  `
  query SearchModels(
    $query: String
    $registries: [String!]
    $filter: ModelFilter
    $sort: ModelSort
    $first: Int
    $after: String
  ) {
    searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ModelCardFields
        }
      }
      failures {
        registry
        code
        message
        retryAfterSeconds
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`,
  [ModelCardFields],
);

/** The registries to offer as chips: the enabled ones, with how their last call went. */
export const Registries = graphql(`
  query Registries {
    registries {
      name
      kind
      enabled
      status
    }
  }
`);

export type SearchVariables = VariablesOf<typeof SearchModels>;
export type ModelFilter = NonNullable<SearchVariables["filter"]>;
export type ModelFormat = NonNullable<ModelFilter["format"]>;
export type ModelSort = NonNullable<SearchVariables["sort"]>;
export type SearchPage = ResultOf<typeof SearchModels>["searchModels"];
export type SearchEdge = SearchPage["edges"][number];
export type RegistryFailure = SearchPage["failures"][number];
export type CardModel = ResultOf<typeof ModelCardFields>;
