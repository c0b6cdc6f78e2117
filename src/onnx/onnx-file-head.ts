import { type FileHandle, open } from "node:fs/promises";

/** Bytes read at a time; the parts of a model that describe it are small and come in few reads. */
const WINDOW_BYTES = 64 * 1024;

/** ModelProto fields kept as they are: ir_version, producer, doc_string, opset_import, metadata_props. */
const MODEL_FIELDS = new Set([1, 2, 3, 4, 5, 6, 8, 14]);
const MODEL_GRAPH = 7;
/** GraphProto fields kept: name, doc_string, input, output. */
const GRAPH_FIELDS = new Set([2, 10, 11, 12]);
const GRAPH_INITIALIZER = 5;
const TENSOR_NAME = 8;
const LENGTH_DELIMITED = 2;

/**
 * The parts of an ONNX file that describe the model, without its weights: a ModelProto holding
 * the model's own fields and a graph with its inputs, outputs and the names (only) of its
 * initializers. Read with positioned reads that skip every weight, node and other large field, so
 * an 800 MB model costs a few reads and kilobytes of memory, not 800 MB. Hand-written because
 * protobuf libraries decode whole buffers; this walks the wire format (tag, varint, length) only
 * as far as it must and leaves the decoding of what it keeps to onnx-proto.
 */
export async function readOnnxHead(path: string): Promise<Uint8Array> {
  const file = await open(path, "r");
  try {
    const reader = new WindowReader(file, (await file.stat()).size);
    const kept: Uint8Array[] = [];
    for await (const field of reader.fields(0, reader.size)) {
      if (field.number === MODEL_GRAPH && field.wireType === LENGTH_DELIMITED) {
        kept.push(encodeField(MODEL_GRAPH, concat(await graphHead(reader, field.start, field.end))));
      } else if (MODEL_FIELDS.has(field.number)) {
        kept.push(await reader.bytes(field.tagStart, field.end - field.tagStart));
      }
    }
    return concat(kept);
  } finally {
    await file.close();
  }
}

async function graphHead(reader: WindowReader, start: number, end: number): Promise<Uint8Array[]> {
  const kept: Uint8Array[] = [];
  for await (const field of reader.fields(start, end)) {
    if (GRAPH_FIELDS.has(field.number)) {
      kept.push(await reader.bytes(field.tagStart, field.end - field.tagStart));
    } else if (field.number === GRAPH_INITIALIZER && field.wireType === LENGTH_DELIMITED) {
      // Only the initializer's name matters (inputs that are weights are not model inputs).
      for await (const inner of reader.fields(field.start, field.end)) {
        if (inner.number === TENSOR_NAME && inner.wireType === LENGTH_DELIMITED) {
          const name = await reader.bytes(inner.tagStart, inner.end - inner.tagStart);
          kept.push(encodeField(GRAPH_INITIALIZER, name));
        }
      }
    }
  }
  return kept;
}

interface Field {
  number: number;
  wireType: number;
  /** Where its tag starts, where its payload starts and ends. */
  tagStart: number;
  start: number;
  end: number;
}

/** Positioned reads through a small window, with the protobuf wire format's few primitives. */
class WindowReader {
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  async *fields(start: number, end: number): AsyncGenerator<Field> {
    let at = start;
    while (at < end) {
      const tagStart = at;
      const tag = await this.varint(at);
      const number = Math.floor(tag.value / 8);
      const wireType = tag.value % 8;
      at = tag.next;
      let payloadStart = at;
      if (wireType === 0) at = (await this.varint(at)).next;
      else if (wireType === 1) at += 8;
      else if (wireType === 5) at += 4;
      else if (wireType === LENGTH_DELIMITED) {
        const length = await this.varint(at);
        payloadStart = length.next;
        at = length.next + length.value;
      } else throw new Error(`truncated or not an ONNX model (wire type ${wireType} at byte ${tagStart})`);
      if (number === 0 || at > end) throw new Error(`truncated or not an ONNX model (a field overruns byte ${end})`);
      yield { number, wireType, tagStart, start: payloadStart, end: at };
    }
  }

  async bytes(position: number, length: number): Promise<Uint8Array> {
    await this.load(position, length);
    const offset = position - this.windowStart;
    return this.window.slice(offset, offset + length);
  }

  private async varint(position: number): Promise<{ value: number; next: number }> {
    await this.load(position, Math.min(10, this.size - position));
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const byte = this.window[position - this.windowStart + i];
      if (byte === undefined) break;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return { value, next: position + i + 1 };
    }
    throw new Error(`truncated or not an ONNX model (a malformed varint at byte ${position})`);
  }

  /** Makes sure the window holds [position, position + length). */
  private async load(position: number, length: number): Promise<void> {
    const offset = position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return;
    if (position + length > this.size) throw new Error(`truncated or not an ONNX model (it ends at byte ${this.size})`);
    const buffer = new Uint8Array(Math.max(length, Math.min(WINDOW_BYTES, this.size - position)));
    const { bytesRead } = await this.file.read(buffer, 0, buffer.length, position);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = position;
  }
}

/** A length-delimited field: tag, length, payload. */
function encodeField(number: number, payload: Uint8Array): Uint8Array {
  return concat([varint(number * 8 + LENGTH_DELIMITED), varint(payload.length), payload]);
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
