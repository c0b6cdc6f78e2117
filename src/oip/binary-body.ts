/**
 * The binary tensor extension's body: the JSON object, then the tensors' raw bytes one after
 * another in the order the JSON lists them; `Inference-Header-Content-Length` gives the JSON
 * part's length (Triton's docs/protocol/extension_binary_data.md).
 */

/** A body cut into its JSON text and the bytes after it; a reason when the header length does not fit. */
export function splitBody(
  body: Uint8Array,
  headerLength: number | null,
): { json: string; binary: Uint8Array } | string {
  const length = headerLength ?? body.byteLength;
  if (length > body.byteLength) {
    return `Inference-Header-Content-Length is ${length}, but the body holds only ${body.byteLength} bytes`;
  }
  try {
    return { json: decoder.decode(body.subarray(0, length)), binary: body.subarray(length) };
  } catch {
    return "the JSON part of the body is not valid UTF-8";
  }
}

/** Reads the tensors' bytes in order, by the sizes their JSON gave. */
export class BinaryReader {
  private offset = 0;

  constructor(private readonly binary: Uint8Array) {}

  /** The next `size` bytes (a view, not a copy), or null when fewer are left. */
  take(size: number): Uint8Array | null {
    if (this.offset + size > this.binary.byteLength) return null;
    const chunk = this.binary.subarray(this.offset, this.offset + size);
    this.offset += size;
    return chunk;
  }

  /** Bytes no tensor claimed. */
  get left(): number {
    return this.binary.byteLength - this.offset;
  }
}

/**
 * A body of a JSON object followed by raw chunks, and the header length to send with it. One
 * allocation and one copy per chunk: the chunks are the tensors, which are the body's bulk.
 */
export function joinBody(json: unknown, chunks: readonly Uint8Array[]): { body: Uint8Array; headerLength: number } {
  const header = encoder.encode(JSON.stringify(json));
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, header.byteLength);
  const body = new Uint8Array(total);
  body.set(header, 0);
  let offset = header.byteLength;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { body, headerLength: header.byteLength };
}

/** The header's value as a length, or null when absent; a reason when it is not a whole number. */
export function headerLengthOf(value: string | null): number | null | string {
  if (value === null) return null;
  if (!/^\d{1,15}$/.test(value.trim())) return "Inference-Header-Content-Length must be a whole number of bytes";
  return Number(value.trim());
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();
