import type { VariablesOf } from "../../client/graphql.js";
import type { RUN_INFERENCE } from "../commands/run-documents.js";

/** One input tensor as runInference takes it (TensorInput), typed from the schema. */
export type TensorInput = VariablesOf<typeof RUN_INFERENCE>["input"]["inputs"][number];

/** The element types a tensor can have (TensorElementType). */
export type ElementType = TensorInput["elementType"];

/** A tensor read from a file before its name is known: values as JSON numbers or raw base64 bytes. */
export type TensorValues = Omit<TensorInput, "name" | "elementType"> & { elementType: ElementType | null };

/** The number of elements a shape holds (1 for a scalar's empty shape). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
