/**
 * The schema as `schema.graphql` commits it (`npm run schema:print`; a test fails when it is stale).
 */
import { printSchema } from "graphql";
import { schema } from "./index.js";

/** The committed schema.graphql's content: the schema as code builds it, sorted. */
export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}
