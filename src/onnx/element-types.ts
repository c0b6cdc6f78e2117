import type { ElementType } from "../domain/tensors.js";

/** ONNX TensorProto.DataType codes, in the gateway's element-type names. */
const BY_ONNX_CODE: Readonly<Record<number, ElementType>> = {
  1: "FLOAT32",
  2: "UINT8",
  3: "INT8",
  4: "UINT16",
  5: "INT16",
  6: "INT32",
  7: "INT64",
  8: "STRING",
  9: "BOOL",
  10: "FLOAT16",
  11: "FLOAT64",
  12: "UINT32",
  13: "UINT64",
  14: "COMPLEX64",
  15: "COMPLEX128",
  16: "BFLOAT16",
};

/** The type names ONNX tools print (`tensor(float)`), as the zoo manifest and onnxruntime use them. */
const BY_ONNX_NAME: Readonly<Record<string, ElementType>> = {
  float: "FLOAT32",
  float32: "FLOAT32",
  uint8: "UINT8",
  int8: "INT8",
  uint16: "UINT16",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  string: "STRING",
  bool: "BOOL",
  float16: "FLOAT16",
  double: "FLOAT64",
  float64: "FLOAT64",
  uint32: "UINT32",
  uint64: "UINT64",
  complex64: "COMPLEX64",
  complex128: "COMPLEX128",
  bfloat16: "BFLOAT16",
};

export function elementTypeFromOnnxCode(code: number): ElementType | null {
  return BY_ONNX_CODE[code] ?? null;
}

export function onnxCodeOf(type: ElementType): number {
  const entry = Object.entries(BY_ONNX_CODE).find(([, name]) => name === type);
  if (!entry) throw new Error(`no ONNX code for ${type}`);
  return Number(entry[0]);
}

/** Accepts `tensor(float)`, `float` or `float32`; null for anything else (sequences, maps). */
export function elementTypeFromOnnxName(name: string): ElementType | null {
  const inner = /^tensor\((\w+)\)$/.exec(name.trim())?.[1] ?? name.trim();
  return BY_ONNX_NAME[inner.toLowerCase()] ?? null;
}
