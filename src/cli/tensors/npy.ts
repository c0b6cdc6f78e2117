import { type DType, parse } from "npyjs";
import { UsageError } from "../exit.js";
import { type ElementType, elementCount, type TensorValues } from "./tensor-input.js";

/** NumPy dtypes (without their byte-order mark) and the ONNX element types they are. */
const ELEMENT_TYPES: Partial<Record<DType, { type: ElementType; bytes: number }>> = {
  f2: { type: "FLOAT16", bytes: 2 },
  f4: { type: "FLOAT32", bytes: 4 },
  f8: { type: "FLOAT64", bytes: 8 },
  i1: { type: "INT8", bytes: 1 },
  u1: { type: "UINT8", bytes: 1 },
  i2: { type: "INT16", bytes: 2 },
  u2: { type: "UINT16", bytes: 2 },
  i4: { type: "INT32", bytes: 4 },
  u4: { type: "UINT32", bytes: 4 },
  i8: { type: "INT64", bytes: 8 },
  u8: { type: "UINT64", bytes: 8 },
  b1: { type: "BOOL", bytes: 1 },
};

/**
 * Reads a NumPy .npy file (format versions 1 to 3) with npyjs, which parses the header (dtype,
 * shape, order), and answers the tensor as raw little-endian bytes in base64, the exact form
 * runInference takes. Refused, as usage errors: big-endian data, Fortran order, dtypes ONNX
 * has no element type for (complex, strings), and files shorter than their shape says.
 */
export function readNpy(file: Uint8Array, source: string): TensorValues {
  // npyjs makes typed arrays over the buffer at the data's offset: hand it a buffer of its own.
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  let array: ReturnType<typeof parse>;
  try {
    array = parse(buffer, { convertFloat16: false });
  } catch (error) {
    const message = (error as Error).message;
    if (/dtype: >/.test(message)) {
      throw new UsageError(
        `${source} is big-endian; save it little-endian (array.astype(array.dtype.newbyteorder("<"))).`,
      );
    }
    throw new UsageError(`${source} is not an .npy file the gateway can take: ${message}`);
  }
  const element = ELEMENT_TYPES[array.dtype];
  if (!element) throw new UsageError(`${source} holds ${array.dtype} values, which no ONNX input takes here.`);
  if (array.fortranOrder) {
    throw new UsageError(`${source} is in Fortran order; save it C-ordered (numpy.ascontiguousarray).`);
  }
  const count = elementCount(array.shape);
  const raw = rawBytes(array.data);
  if (raw.byteLength < count * element.bytes) {
    throw new UsageError(
      `${source} is cut short: its shape [${array.shape.join(", ")}] needs ${count * element.bytes} bytes of data, it has ${raw.byteLength}.`,
    );
  }
  return {
    elementType: element.type,
    shape: array.shape,
    base64: Buffer.from(raw.buffer, raw.byteOffset, count * element.bytes).toString("base64"),
  };
}

/** npyjs gives booleans as a plain array; everything else as a typed array over the file's bytes. */
function rawBytes(data: ArrayBufferView | unknown[]): Uint8Array {
  if (Array.isArray(data)) return Uint8Array.from(data, (value) => (value ? 1 : 0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
