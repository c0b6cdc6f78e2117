import { printSchema } from "graphql";
import { schema } from "./index.js";

/** The committed schema.graphql's content: the schema as code builds it, sorted. */
export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}
