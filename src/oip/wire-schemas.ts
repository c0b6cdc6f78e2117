import { z } from "zod";

/**
 * The JSON objects of the Open Inference Protocol's REST API (kserve/open-inference-protocol,
 * inference_rest.md) and of its binary tensor extension, as zod schemas: the server parses
 * requests with them, the remote-backend client parses answers. Tensor `data` stays `unknown`
 * here: it can hold millions of values, which are checked (and flattened) in one pass later.
 * Unknown fields are tolerated, as clients send some (Triton's examples carry `model_name`).
 */

/** `$parameters`: name/value pairs; values are strings, numbers or booleans. */
export const parametersSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type OipParameters = z.infer<typeof parametersSchema>;

const shape = z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), { error: "must be a list of sizes" });

export const requestInputSchema = z.object({
  name: z.string().min(1),
  shape,
  datatype: z.string().min(1),
  parameters: parametersSchema.optional(),
  data: z.unknown().optional(),
});

export const requestOutputSchema = z.object({ name: z.string().min(1), parameters: parametersSchema.optional() });

export const inferenceRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters: parametersSchema.optional(),
  inputs: z.array(requestInputSchema).min(1, { error: "must hold at least one input" }),
  outputs: z.array(requestOutputSchema).optional(),
});
export type OipInferenceRequest = z.infer<typeof inferenceRequestSchema>;

/** Servers write absent optional fields as null too (KServe's pydantic models): both read as absent. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

export const responseOutputSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  datatype: z.string(),
  parameters: optional(parametersSchema),
  data: z.unknown().optional(),
});

export const inferenceResponseSchema = z.object({
  model_name: optional(z.string()),
  model_version: optional(z.string()),
  id: optional(z.string()),
  parameters: optional(parametersSchema),
  outputs: z.array(responseOutputSchema),
});
export type OipInferenceResponse = z.infer<typeof inferenceResponseSchema>;

const metadataTensorSchema = z.object({
  name: z.string(),
  datatype: z.string(),
  shape: z.array(z.number().int()),
});

export const modelMetadataSchema = z.object({
  name: z.string(),
  versions: optional(z.array(z.string())),
  platform: optional(z.string()),
  inputs: optional(z.array(metadataTensorSchema)).transform((value) => value ?? []),
  outputs: optional(z.array(metadataTensorSchema)).transform((value) => value ?? []),
});
export type OipModelMetadata = z.infer<typeof modelMetadataSchema>;

export const serverMetadataSchema = z.object({
  name: optional(z.string()),
  version: optional(z.string()),
  extensions: optional(z.array(z.string())).transform((value) => value ?? []),
});

/** The extension name Triton reports for binary tensors, in the server metadata's `extensions`. */
export const BINARY_EXTENSION = "binary_tensor_data";
/** The header that gives the JSON part's length when binary tensors follow it. */
export const HEADER_LENGTH_HEADER = "inference-header-content-length";
