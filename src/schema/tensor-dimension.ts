/**
 * `TensorDimension`: an Int for a fixed size or a String for a symbolic one.
 */
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import type { Dimension } from "../domain/tensors.js";

const accepted = 'a non-negative integer (a fixed size) or a non-empty string (a symbolic dimension such as "batch")';

function parse(value: unknown): Dimension {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && value.length > 0) return value;
  throw new GraphQLError(`TensorDimension must be ${accepted}.`, { extensions: { code: "BAD_USER_INPUT" } });
}

/**
 * One dimension of a tensor shape: an Int for a fixed size, a String for a symbolic one. GraphQL
 * has no union of scalars, and shapes must stay leaf values so `shape` can be selected plainly.
 */
export const TensorDimensionScalar = new GraphQLScalarType<Dimension, Dimension>({
  name: "TensorDimension",
  description: `One dimension of a tensor shape: ${accepted}; "?" when the model leaves it unknown.`,
  serialize: (value) => parse(value),
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind === Kind.INT) return parse(Number(ast.value));
    if (ast.kind === Kind.STRING) return parse(ast.value);
    throw new GraphQLError(`TensorDimension must be ${accepted}.`, { extensions: { code: "BAD_USER_INPUT" } });
  },
});
