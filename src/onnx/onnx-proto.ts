import onnxProto from "onnx-proto";

/** The ONNX protobuf messages (onnx-proto is CommonJS; this is its one import site). */
export const { onnx } = onnxProto;
export type { onnx as OnnxTypes } from "onnx-proto";

/** protobufjs gives 64-bit integers as Long objects when the `long` package is present. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
