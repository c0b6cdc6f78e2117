import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLArmorCallbackConfiguration } from "@escape.tech/graphql-armor-types";
import type { ValidationContext } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { Config } from "../config.js";

type Limit = "depth" | "cost" | "aliases" | "directives" | "tokens";

/**
 * GraphQL Armor's checks (depth, cost, aliases, directives, tokens), run while parsing and
 * validating, before any resolver: an abusive query is refused for the price of its parse. Each
 * refusal carries QUERY_LIMIT_EXCEEDED and the limit's name; field suggestions are hidden outside
 * development so the schema cannot be guessed by typos.
 */
export function queryLimits(config: Config): Plugin {
  const { limits } = config;
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.depth, ignoreIntrospection: true, flattenFragments: true, ...refuse("depth") },
    costLimit: { maxCost: limits.cost, ignoreIntrospection: true, ...refuse("cost") },
    maxAliases: { n: limits.aliases, ...refuse("aliases") },
    maxDirectives: { n: limits.directives, ...refuse("directives") },
    maxTokens: { n: limits.tokens, ...refuse("tokens") },
    blockFieldSuggestion: { enabled: config.env !== "development" },
  }) as Plugin;
}

/** Replaces Armor's own error (no code, a "Syntax Error:" prefix) with a coded one. */
function refuse(limit: Limit): GraphQLArmorCallbackConfiguration {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error) => {
        const refusal = createGraphQLError(error.message.replace(/^Syntax Error: /, ""), {
          extensions: { code: "QUERY_LIMIT_EXCEEDED", limit },
        });
        // Token counting happens in the parser, which has no validation context to report to.
        if (!context) throw refusal;
        context.reportError(refusal);
      },
    ],
  };
}
