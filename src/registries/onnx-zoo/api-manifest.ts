import { z } from "zod";

/**
 * The ONNX Model Zoo's manifest (ONNX_HUB_MANIFEST.json in the onnx/models repository) as it is on
 * the wire: one entry per model and opset. Keys this gateway does not use (`extra_ports`, the
 * intermediate tensors some entries expose) are dropped by the parse.
 */
const sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, { error: "must be a hex sha256" });
const byteCount = z.number().int().nonnegative();
/** A path under the files base URL: relative, forward slashes, nothing that climbs out of it. */
const relativePath = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith("/") && !/[\\\0]/.test(path) && !path.split("/").includes(".."), {
    error: "must be a relative path without '..', backslashes or NUL",
  });

const apiIoPort = z.object({
  name: z.string(),
  /** Fixed sizes, symbolic names, or null where the exporter left the dimension unknown. */
  shape: z.array(z.union([z.number().int(), z.string(), z.null()])),
  /** `tensor(float)`, `tensor(int64)`, `seq(tensor(uint8))`... */
  type: z.string(),
});

const apiManifestEntry = z.object({
  /** The model's name; repeated once per opset. */
  model: z.string().regex(/^[^@\p{Cc}]+$/u, { error: "must be a non-empty name without @ or control characters" }),
  model_path: relativePath,
  onnx_version: z.string(),
  opset_version: z.number().int().nonnegative(),
  metadata: z.object({
    model_sha: sha256,
    model_bytes: byteCount,
    tags: z.array(z.string()).default([]),
    /** Absent for some older entries: their signature is only known from the file itself. */
    io_ports: z.object({ inputs: z.array(apiIoPort), outputs: z.array(apiIoPort) }).optional(),
    /** The archive of the model with its test data (`.tar.gz`). */
    model_with_data_path: relativePath.optional(),
    model_with_data_sha: sha256.optional(),
    model_with_data_bytes: byteCount.optional(),
  }),
});

export type ApiIoPort = z.infer<typeof apiIoPort>;
export type ApiManifestEntry = z.infer<typeof apiManifestEntry>;

export interface ParsedManifest {
  entries: ApiManifestEntry[];
  /** Entries that did not match the format, with why; the others still serve. */
  rejected: Array<{ index: number; reason: string }>;
}

/**
 * Parses the manifest's text. A body that is not a JSON array throws (it is not a manifest at
 * all); a malformed entry is set aside so one bad line cannot hide the other 183 models.
 */
export function parseManifest(body: string): ParsedManifest {
  const json: unknown = JSON.parse(body);
  if (!Array.isArray(json)) throw new Error("the manifest is not a JSON array of entries");
  const parsed: ParsedManifest = { entries: [], rejected: [] };
  json.forEach((item, index) => {
    const entry = apiManifestEntry.safeParse(item);
    if (entry.success) parsed.entries.push(entry.data);
    else parsed.rejected.push({ index, reason: z.prettifyError(entry.error) });
  });
  if (parsed.entries.length === 0 && json.length > 0) {
    throw new Error(`no entry of the manifest is valid; the first: ${parsed.rejected[0]?.reason}`);
  }
  return parsed;
}
