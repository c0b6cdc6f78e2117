/** A body longer than the limit: the reader stopped at the limit, so nothing more was buffered. */
export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";

  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
  }
}

/**
 * Reads a whole body into one fresh buffer of its own (never Node's shared pool, so its memory
 * can be handed to a worker thread), refusing it once it passes `maxBytes`: at once when the
 * declared length says so, while streaming otherwise. With a declared length the bytes land in
 * one allocation without concatenation.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  maxBytes: number,
  /** A body offset to place on an 8-byte boundary (where binary tensors start), so their views need no copy. */
  alignAt = 0,
): Promise<Uint8Array> {
  const declared = declaredLength !== null && /^\d+$/.test(declaredLength) ? Number(declaredLength) : null;
  // Left unread, not cancelled: the answer then reaches the client before the connection closes.
  if (declared !== null && declared > maxBytes) throw new BodyTooLarge(maxBytes);
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const pad = declared === null ? 0 : (8 - (alignAt % 8)) % 8;
  let buffer =
    declared === null ? new Uint8Array(64 * 1024) : new Uint8Array(new ArrayBuffer(declared + pad), pad, declared);
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.byteLength > maxBytes) throw new BodyTooLarge(maxBytes);
      if (length + value.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(buffer.byteLength * 2, length + value.byteLength)));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(value, length);
      length += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
  return length === buffer.byteLength ? buffer : buffer.subarray(0, length);
}
