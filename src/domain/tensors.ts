/** Tensors as the gateway describes them: element types, dimensions, a signature's specs and history's summaries. */

export const ELEMENT_TYPES = [
  "FLOAT32",
  "FLOAT16",
  "BFLOAT16",
  "FLOAT64",
  "INT64",
  "INT32",
  "INT16",
  "INT8",
  "UINT64",
  "UINT32",
  "UINT16",
  "UINT8",
  "BOOL",
  "STRING",
  "COMPLEX64",
  "COMPLEX128",
] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

/** A fixed size, or the name of a symbolic dimension ("batch"); "?" when the model leaves it open. */
export type Dimension = number | string;

export interface TensorSpec {
  name: string;
  elementType: ElementType | null;
  /** null when the model does not state the rank. */
  shape: Dimension[] | null;
}

/** A tensor's name, element type and shape, as history keeps them (never the values). */
export interface TensorSummary {
  name: string;
  elementType: string;
  shape: number[];
}
