import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import type { GraphQLArmorCallbackConfiguration } from "@escape.tech/graphql-armor-types";
import { type DocumentNode, type GraphQLError, type ValidationContext, validate } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";

type Limit = "depth" | "cost" | "aliases" | "directives" | "tokens";

/**
 * GraphQL Armor's bounds on a query — tokens while parsing; depth, cost, aliases and directives
 * before the standard validation rules — so an abusive query is refused before the expensive rules
 * (overlapping-field checks grow with the square of the aliases) or any resolver run. Each
 * refusal carries QUERY_LIMIT_EXCEEDED and the limit's name. Field suggestions are hidden outside
 * development, so the schema cannot be guessed by typos.
 */
export function useQueryLimits(config: Config): Plugin[] {
  const { limits } = config;
  const rules = [
    maxDepthRule({ n: limits.depth, ignoreIntrospection: true, flattenFragments: true, ...refuse("depth") }),
    costLimitRule({ maxCost: limits.cost, ignoreIntrospection: true, ...refuse("cost") }),
    maxAliasesRule({ n: limits.aliases, ...refuse("aliases") }),
    maxDirectivesRule({ n: limits.directives, ...refuse("directives") }),
  ];
  // Per parsed document: yoga's parser cache hands the same document back for the same query, so a
  // query asked again is not walked again (the standard rules' own result is cached by yoga).
  const checked = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  const boundsFirst: Plugin = {
    onValidate({ params, setResult }) {
      let refusals = checked.get(params.documentAST);
      if (refusals === undefined) {
        refusals = validate(params.schema, params.documentAST, rules);
        checked.set(params.documentAST, refusals);
      }
      if (refusals.length > 0) setResult(refusals);
    },
  };
  return [
    maxTokensPlugin({ n: limits.tokens, ...refuse("tokens") }) as Plugin,
    boundsFirst,
    ...(config.env === "development" ? [] : [blockFieldSuggestionsPlugin() as Plugin]),
  ];
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
