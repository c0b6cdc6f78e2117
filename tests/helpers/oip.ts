/**
 * An Open Inference Protocol client for tests, written from the specification independently of
 * the gateway's own encoder (src/oip), so the tests check the gateway against the documents and
 * not against itself.
 */

export interface OipCall {
  status: number;
  headers: Headers;
  /** The JSON object (the whole body, or its part before the binary tensors). */
  json: Record<string, unknown>;
  /** The bytes after the JSON, when Inference-Header-Content-Length was sent. */
  binary: Buffer;
}

/** POSTs a JSON inference request, or (with `binary` chunks) the JSON followed by the raw tensors. */
export async function oipInfer(
  baseUrl: string,
  model: string,
  request: unknown,
  options: { binary?: Buffer[]; headers?: Record<string, string>; version?: string } = {},
): Promise<OipCall> {
  const header = Buffer.from(JSON.stringify(request));
  const path = `/v2/models/${encodeURIComponent(model)}${options.version ? `/versions/${options.version}` : ""}/infer`;
  const binary = options.binary ?? null;
  const response = await fetch(new URL(path, baseUrl), {
    method: "POST",
    headers: binary
      ? {
          "content-type": "application/octet-stream",
          "inference-header-content-length": String(header.byteLength),
          ...options.headers,
        }
      : { "content-type": "application/json", ...options.headers },
    body: binary ? Buffer.concat([header, ...binary]) : header,
  });
  return readCall(response);
}

export async function oipGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<OipCall> {
  return readCall(await fetch(new URL(path, baseUrl), { headers }));
}

/** Splits an answer at Inference-Header-Content-Length, when it has one. */
export async function readCall(response: Response): Promise<OipCall> {
  const body = Buffer.from(await response.arrayBuffer());
  const length = response.headers.get("inference-header-content-length");
  const jsonLength = length === null ? body.byteLength : Number(length);
  const text = body.subarray(0, jsonLength).toString("utf8");
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    binary: body.subarray(jsonLength),
  };
}

/** Little-endian float32 values of a byte range (copied, so alignment does not matter). */
export function float32s(bytes: Buffer): number[] {
  const copy = new Uint8Array(bytes);
  return Array.from(new Float32Array(copy.buffer, 0, copy.byteLength / 4));
}

/** The raw little-endian bytes of a typed array. */
export function bytesOf(values: ArrayBufferView): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}
