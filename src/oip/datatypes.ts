import type { Dimension, ElementType, TensorSpec } from "../domain/tensors.js";

/**
 * The Open Inference Protocol's tensor datatypes against the gateway's element types. OIP has
 * no complex types; they keep the gateway's names, which no OIP client will send back.
 */
const TO_OIP: Readonly<Record<ElementType, string>> = {
  FLOAT32: "FP32",
  FLOAT16: "FP16",
  BFLOAT16: "BF16",
  FLOAT64: "FP64",
  INT64: "INT64",
  INT32: "INT32",
  INT16: "INT16",
  INT8: "INT8",
  UINT64: "UINT64",
  UINT32: "UINT32",
  UINT16: "UINT16",
  UINT8: "UINT8",
  BOOL: "BOOL",
  STRING: "BYTES",
  COMPLEX64: "COMPLEX64",
  COMPLEX128: "COMPLEX128",
};

const FROM_OIP = new Map(Object.entries(TO_OIP).map(([type, datatype]) => [datatype, type as ElementType]));

/** The OIP datatype of an element type (`FLOAT32` is `FP32`, `STRING` is `BYTES`). */
export function oipDatatype(type: ElementType): string {
  return TO_OIP[type];
}

/** The element type an OIP datatype names, or null for one the protocol does not define. */
export function elementTypeOfOip(datatype: string): ElementType | null {
  return FROM_OIP.get(datatype) ?? null;
}

/** The datatypes the protocol defines, for error messages. */
export const OIP_DATATYPES = [...FROM_OIP.keys()].filter((name) => !name.startsWith("COMPLEX"));

/** A shape as OIP writes it: symbolic dimensions are -1; a shape the model leaves unstated is []. */
export function oipShape(shape: readonly Dimension[] | null): number[] {
  return (shape ?? []).map((dim) => (typeof dim === "number" && dim >= 0 ? dim : -1));
}

/** An OIP metadata tensor as the gateway's tensor spec: -1 is the open dimension "?". */
export function specOfOip(tensor: { name: string; datatype: string; shape: readonly number[] }): TensorSpec {
  return {
    name: tensor.name,
    elementType: elementTypeOfOip(tensor.datatype),
    shape: tensor.shape.map((dim) => (dim < 0 ? "?" : dim)),
  };
}
