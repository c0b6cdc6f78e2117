import type { ElementType } from "../domain/tensors.js";
import { fromFloat16Bits, toFloat16Bits } from "./float16.js";

/** The typed arrays ONNX Runtime takes and gives for the element types the gateway runs. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint8Array
  | Uint16Array
  | BigInt64Array
  | BigUint64Array;

/** onnxruntime-node's names for those element types. */
export type OrtElementType =
  | "float32"
  | "float16"
  | "float64"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint64"
  | "uint32"
  | "uint16"
  | "uint8"
  | "bool";

interface ElementCodec {
  ort: OrtElementType;
  bytes: number;
  /** What a JSON value must be, for error messages. */
  accepts: string;
  /** Whether a JSON number can be stored exactly (integers) or at all (floats in range). */
  valid(value: number): boolean;
  /** A typed array over `buffer` (from `offset`, `length` elements; all of it by default). */
  allocate(buffer: ArrayBuffer, offset?: number, length?: number): TensorData;
  encode(value: number): number | bigint;
  decode(stored: number | bigint): number;
}

const int = (min: number, max: number) => (value: number) => Number.isInteger(value) && value >= min && value <= max;
const finiteWithin = (max: number) => (value: number) => Number.isFinite(value) && Math.abs(value) <= max;
const same = (value: number) => value;
const FLOAT32_MAX = 3.4028234663852886e38;

const CODECS = {
  FLOAT32: {
    ort: "float32",
    bytes: 4,
    accepts: `numbers within ±${FLOAT32_MAX}`,
    valid: finiteWithin(FLOAT32_MAX),
    allocate: (buffer, offset?: number, length?: number) => new Float32Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  FLOAT16: {
    ort: "float16",
    bytes: 2,
    accepts: "numbers within ±65504",
    valid: finiteWithin(65504),
    allocate: (buffer, offset?: number, length?: number) => new Uint16Array(buffer, offset, length),
    encode: toFloat16Bits,
    decode: (bits) => fromFloat16Bits(Number(bits)),
  },
  FLOAT64: {
    ort: "float64",
    bytes: 8,
    accepts: "numbers",
    valid: Number.isFinite,
    allocate: (buffer, offset?: number, length?: number) => new Float64Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  INT64: {
    ort: "int64",
    bytes: 8,
    accepts: "integers within ±(2^53 - 1) (use base64 for the full 64-bit range)",
    valid: Number.isSafeInteger,
    allocate: (buffer, offset?: number, length?: number) => new BigInt64Array(buffer, offset, length),
    encode: (value) => BigInt(value),
    decode: Number,
  },
  INT32: {
    ort: "int32",
    bytes: 4,
    accepts: "integers from -2147483648 to 2147483647",
    valid: int(-(2 ** 31), 2 ** 31 - 1),
    allocate: (buffer, offset?: number, length?: number) => new Int32Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  INT16: {
    ort: "int16",
    bytes: 2,
    accepts: "integers from -32768 to 32767",
    valid: int(-(2 ** 15), 2 ** 15 - 1),
    allocate: (buffer, offset?: number, length?: number) => new Int16Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  INT8: {
    ort: "int8",
    bytes: 1,
    accepts: "integers from -128 to 127",
    valid: int(-128, 127),
    allocate: (buffer, offset?: number, length?: number) => new Int8Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  UINT64: {
    ort: "uint64",
    bytes: 8,
    accepts: "integers from 0 to 2^53 - 1 (use base64 for the full 64-bit range)",
    valid: int(0, Number.MAX_SAFE_INTEGER),
    allocate: (buffer, offset?: number, length?: number) => new BigUint64Array(buffer, offset, length),
    encode: (value) => BigInt(value),
    decode: Number,
  },
  UINT32: {
    ort: "uint32",
    bytes: 4,
    accepts: "integers from 0 to 4294967295",
    valid: int(0, 2 ** 32 - 1),
    allocate: (buffer, offset?: number, length?: number) => new Uint32Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  UINT16: {
    ort: "uint16",
    bytes: 2,
    accepts: "integers from 0 to 65535",
    valid: int(0, 2 ** 16 - 1),
    allocate: (buffer, offset?: number, length?: number) => new Uint16Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  UINT8: {
    ort: "uint8",
    bytes: 1,
    accepts: "integers from 0 to 255",
    valid: int(0, 255),
    allocate: (buffer, offset?: number, length?: number) => new Uint8Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
  BOOL: {
    ort: "bool",
    bytes: 1,
    accepts: "0 (false) or 1 (true)",
    valid: int(0, 1),
    allocate: (buffer, offset?: number, length?: number) => new Uint8Array(buffer, offset, length),
    encode: same,
    decode: Number,
  },
} as const satisfies Record<string, ElementCodec>;

export type RunnableElementType = keyof typeof CODECS;
export const RUNNABLE_ELEMENT_TYPES = Object.keys(CODECS) as RunnableElementType[];

export function isRunnable(type: ElementType | null): type is RunnableElementType {
  return type !== null && Object.hasOwn(CODECS, type);
}

export function codecOf(type: RunnableElementType): ElementCodec {
  return CODECS[type];
}

/** The gateway's name for an onnxruntime-node element type; null for types it does not run. */
export function runnableTypeOfOrt(ort: string): RunnableElementType | null {
  return RUNNABLE_ELEMENT_TYPES.find((type) => CODECS[type].ort === ort) ?? null;
}

/** Index of the first value the type cannot hold, or -1 when all are fine. */
export function firstInvalid(type: RunnableElementType, values: readonly number[]): number {
  const { valid } = CODECS[type];
  return values.findIndex((value) => !valid(value));
}

/** A fresh, transferable tensor buffer holding `values` (already checked with firstInvalid). */
export function fromNumbers(type: RunnableElementType, values: readonly number[]): TensorData {
  const codec = CODECS[type];
  const data = codec.allocate(new ArrayBuffer(values.length * codec.bytes));
  values.forEach((value, i) => {
    data[i] = codec.encode(value) as never;
  });
  return data;
}

/**
 * Padded base64 of exactly `byteLength` bytes, decoded into a fresh buffer; null when the text is
 * not that. With the length and padding fixed, any character outside the alphabet (standard or
 * URL-safe) makes Node's decoder write fewer bytes, so that count is the check: no second pass
 * over a large string on the event loop.
 */
export function fromBase64(type: RunnableElementType, text: string, byteLength: number): TensorData | null {
  const padding = (3 - (byteLength % 3)) % 3;
  const padded = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (text.length !== 4 * Math.ceil(byteLength / 3) || padded !== padding) return null;
  // Never the shared pool, so the buffer can be transferred to a worker; not zero-filled, as the
  // write below fills every byte or the whole buffer is thrown away.
  const bytes = Buffer.allocUnsafeSlow(byteLength);
  if (bytes.write(text, "base64") !== byteLength) return null;
  // Typed arrays use the platform's byte order; every platform onnxruntime-node ships for is little-endian.
  return CODECS[type].allocate(bytes.buffer as ArrayBuffer);
}

/**
 * Raw little-endian bytes as the type's typed array: a view of the same memory when it starts on
 * an element boundary, a copy otherwise; null when the byte count is not `count` elements.
 */
export function bytesOf(type: RunnableElementType, bytes: Uint8Array, count: number): TensorData | null {
  const codec = CODECS[type];
  if (bytes.byteLength !== count * codec.bytes) return null;
  const aligned = bytes.byteOffset % codec.bytes === 0 ? bytes : bytes.slice();
  return codec.allocate(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
}

/** The tensor's bytes, without a copy. */
export function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function toBase64(data: TensorData): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}

/** The values as JSON numbers, or null when one cannot be carried exactly (NaN, ±Infinity, int64 beyond 2^53). */
export function toNumbers(type: RunnableElementType, data: TensorData): number[] | null {
  const { decode } = CODECS[type];
  const values = Array.from(data as ArrayLike<number | bigint>, decode);
  const exact =
    type === "INT64" || type === "UINT64"
      ? (data as BigInt64Array | BigUint64Array).every((value) => Number.isSafeInteger(Number(value)))
      : values.every(Number.isFinite);
  return exact ? values : null;
}
