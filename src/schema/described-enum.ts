/**
 * The one way the schema builds an enum: every value with a description, so GraphiQL and the
 * printed schema explain each one.
 */
import { builder } from "./builder.js";

/**
 * A GraphQL enum from a map of each value to its description; typed as `Record<Union, string>` at
 * the call, the compiler names any value of the union left without one.
 */
export function describedEnum<const Value extends string>(
  name: string,
  description: string,
  values: Record<Value, string>,
) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(
      Object.entries<string>(values).map(([value, text]) => [value, { description: text }]),
    ) as Record<Value, { description: string }>,
  });
}
