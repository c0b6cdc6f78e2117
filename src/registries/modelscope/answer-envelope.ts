import { RegistryUnavailable } from "../../domain/errors.js";

/**
 * What one ModelScope answer says once its envelope is read: the data of a success, or the
 * status, code and message of a failure. ModelScope reports failures in the HTTP status, in the
 * envelope (`Success: false`, a `Code` other than 200) or both, so both are read.
 */
export type EnvelopeReading =
  | { ok: true; data: unknown }
  | { ok: false; status: number; code: string | null; message: string | null; requestId: string | null };

type Json = Record<string, unknown>;

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() ? value.trim() : typeof value === "number" ? String(value) : null;

/**
 * Reads an answer's envelope. `status` is the HTTP status; `json` its parsed body (undefined when
 * the body is not JSON). A success without the envelope's data field is malformed, and so is any
 * 2xx body that is neither envelope: both throw REGISTRY_UNAVAILABLE.
 */
export function readEnvelope(registry: string, status: number, json: unknown): EnvelopeReading {
  const body: Json | null = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Json) : null;
  const legacy = body !== null && ("Code" in body || "Success" in body);
  const openapi = body !== null && !legacy && "success" in body;
  const code = body ? text(legacy ? body.Code : (body.code ?? body.Code)) : null;
  const message = body ? text(body.Message ?? body.message ?? body.msg ?? body.error) : null;
  const requestId = body ? text(body.RequestId ?? body.request_id ?? body.requestId) : null;
  const failed = legacy
    ? body.Success === false || (code !== null && code !== "200")
    : openapi
      ? body.success !== true
      : false;

  if (status >= 200 && status < 300 && !failed) {
    // The OpenAPI names its data `data`, and in places `Data`, as ModelScope's SDK allows.
    const field = legacy || (openapi && !("data" in body)) ? "Data" : "data";
    if ((legacy || openapi) && field in body) return { ok: true, data: body[field] };
    throw new RegistryUnavailable(
      registry,
      json === undefined
        ? "it answered with malformed JSON."
        : `its answer is not in ModelScope's envelope (${legacy ? "no Data" : openapi ? "no data" : "neither Code nor success"}).`,
    );
  }
  return { ok: false, status: effectiveStatus(status, code), code, message, requestId };
}

/**
 * The status a failure stands for: the HTTP status when it is an error, else the envelope's Code
 * when that is an HTTP status (ModelScope answers some errors with 200 and `Code: 404`); a failed
 * envelope with a business code of its own counts as 400.
 */
function effectiveStatus(status: number, code: string | null): number {
  if (status >= 300) return status;
  const numeric = code !== null && /^\d{3}$/.test(code) ? Number(code) : null;
  return numeric !== null && numeric >= 400 && numeric < 600 ? numeric : 400;
}
