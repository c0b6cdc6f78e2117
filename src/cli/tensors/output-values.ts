import { float16ToFloat32 } from "npyjs";

/** An output tensor as runInference answers it (data with JSON encoding, base64 with BASE64). */
export interface OutputTensor {
  name: string;
  elementType: string;
  shape: number[];
  data?: number[] | null;
  base64?: string | null;
}

type Reader = (view: DataView, offset: number) => number;

/** Bytes per element and how to read one little-endian value, for decoding BASE64 outputs. */
const READERS: Record<string, [number, Reader]> = {
  FLOAT32: [4, (v, o) => v.getFloat32(o, true)],
  FLOAT64: [8, (v, o) => v.getFloat64(o, true)],
  FLOAT16: [2, (v, o) => float16ToFloat32(v.getUint16(o, true))],
  INT64: [8, (v, o) => Number(v.getBigInt64(o, true))],
  UINT64: [8, (v, o) => Number(v.getBigUint64(o, true))],
  INT32: [4, (v, o) => v.getInt32(o, true)],
  UINT32: [4, (v, o) => v.getUint32(o, true)],
  INT16: [2, (v, o) => v.getInt16(o, true)],
  UINT16: [2, (v, o) => v.getUint16(o, true)],
  INT8: [1, (v, o) => v.getInt8(o)],
  UINT8: [1, (v, o) => v.getUint8(o)],
  BOOL: [1, (v, o) => v.getUint8(o)],
};

/** An output's values as numbers, whichever encoding it came in; null for types without numbers. */
export function outputValues(output: OutputTensor): number[] | null {
  if (output.data) return output.data;
  const reader = READERS[output.elementType];
  if (!output.base64 || !reader) return null;
  const bytes = Buffer.from(output.base64, "base64");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [size, read] = reader;
  return Array.from({ length: Math.floor(bytes.byteLength / size) }, (_, index) => read(view, index * size));
}

/** One row's best classes, best first. */
export type TopClasses = Array<{ index: number; score: number }>;

/**
 * A classifier's answer, row by row, when the output looks like one: floating-point values of
 * shape [classes] or [batch, classes] with at least two classes, whose rows are probabilities
 * (each in 0..1, summing to 1) or whose model's task is a classification. Null otherwise.
 */
export function topClasses(
  output: OutputTensor,
  values: number[],
  k: number,
  task: string | null,
): TopClasses[] | null {
  if (!output.elementType.startsWith("FLOAT") || output.shape.length < 1 || output.shape.length > 2) return null;
  const classes = output.shape.at(-1) ?? 0;
  if (classes < 2 || values.length === 0 || values.length % classes !== 0) return null;
  const rows = Array.from({ length: values.length / classes }, (_, row) =>
    values.slice(row * classes, (row + 1) * classes),
  );
  const probabilities = rows.every(
    (row) => row.every((p) => p >= 0 && p <= 1) && Math.abs(row.reduce((sum, p) => sum + p, 0) - 1) < 1e-3,
  );
  if (!probabilities && !task?.endsWith("classification")) return null;
  return rows.map((row) =>
    row
      .map((score, index) => ({ index, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k),
  );
}
