import { initGraphQLTada } from "gql.tada";
import type { introspection } from "./graphql-env.js";

/**
 * `graphql()` for the gateway's own clients (the command line, the model browser): documents typed
 * from schema.graphql at compile time, so a client that asks for a field the API lacks does not
 * compile. `npm run schema:print` regenerates graphql-env.d.ts with the schema.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    DateTime: string;
    SafeInt: number;
    TensorDimension: number | string;
  };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from "gql.tada";
export { readFragment } from "gql.tada";
