/**
 * The schema builder and its plugins (Prisma, relay, dataloader, errors, scope auth), the scalars
 * and the root types; each GraphQL type lives in a module of its own in this folder.
 */
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin, { type AuthFailure } from "@pothos/plugin-scope-auth";
import { DateTimeResolver, SafeIntResolver } from "graphql-scalars";
import type { GatewayContext } from "../context.js";
import type { Dimension } from "../domain/tensors.js";
import type PrismaTypes from "../generated/pothos-prisma-types.js";
import { getDatamodel } from "../generated/pothos-prisma-types.js";
import type { Scope } from "../security/api-keys.js";
import { scopesOf, unauthorized } from "../security/authorization.js";
import { TensorDimensionScalar } from "./tensor-dimension.js";

/** The one schema builder: plugins and scalars only; types live in their own modules. */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  AuthScopes: Record<Scope, boolean>;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    SafeInt: { Input: number; Output: number };
    TensorDimension: { Input: Dimension; Output: Dimension };
  };
}>({
  // Scope checks run before any other plugin's resolver wrapping.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, DataloaderPlugin, PrismaPlugin, RelayPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => scopesOf(ctx.caller),
    unauthorizedError: (_parent, ctx, info, result) =>
      unauthorized(ctx.caller, `${info.parentType.name}.${info.fieldName}`, neededScopes(result.failure)),
  },
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.services.db,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: "Where a page sits in a forward-paged list." },
    hasNextPageFieldOptions: { description: "Whether another page follows; pass endCursor as `after` to read it." },
    hasPreviousPageFieldOptions: {
      description:
        "Whether items come before this page. The history lists (pulls, inferenceRuns) also page backwards with last and before; searchModels pages forwards only.",
    },
    startCursorFieldOptions: { description: "The cursor of the page's first edge." },
    endCursorFieldOptions: { description: "The cursor of the page's last edge; pass it as `after` for the next page." },
    cursorFieldOptions: { description: "Pass as `after` to continue after this edge." },
    nodeFieldOptions: { description: "The item itself." },
    edgesFieldOptions: { description: "The items of this page, each with its cursor." },
    pageInfoFieldOptions: { description: "Whether more pages follow, and their cursors." },
    firstArgOptions: { description: "How many items to return." },
    afterArgOptions: { description: "Return the items after this cursor." },
    lastArgOptions: { description: "How many items to return, counting back from the end." },
    beforeArgOptions: { description: "Return the items before this cursor." },
  },
  errors: { defaultTypes: [] },
});

builder.addScalarType("DateTime", DateTimeResolver, {});
builder.addScalarType("SafeInt", SafeIntResolver, {});
builder.addScalarType("TensorDimension", TensorDimensionScalar, {});

builder.queryType({ description: "Read models, registries and history.", authScopes: { read: true } });
builder.mutationType({ description: "Pull and run models." });
builder.subscriptionType({
  description: "Follow long-running work as it happens (over server-sent events).",
  authScopes: { read: true },
});

/** The scope names an authorization failure asked for. */
function neededScopes(failure: AuthFailure): string[] {
  if ("failures" in failure) return [...new Set(failure.failures.flatMap(neededScopes))];
  return "scope" in failure ? [failure.scope] : [];
}
