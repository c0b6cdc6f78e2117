import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { ModelFormat } from "../../domain/model.js";
import type { ElementType, TensorSpec } from "../../domain/tensors.js";

/** What a version's MLmodel file says of the model, before any of its files is downloaded. */
export interface MlmodelFacts {
  /** The flavours it was saved with ("onnx", "python_function"...). */
  flavors: string[];
  format: ModelFormat;
  /** From a tensor-based signature; null when there is none, or it is column-based (see README). */
  inputs: TensorSpec[] | null;
  outputs: TensorSpec[] | null;
  /** The ai.onnx opset, where the onnx flavour states one. */
  opset: number | null;
  /** The onnx package version it was saved with (the onnx flavour's onnx_version). */
  onnxVersion: string | null;
}

/** The MLmodel YAML, as far as the gateway reads it; the signature's sides are JSON strings. */
const MlmodelSchema = z.object({
  flavors: z.record(z.string(), z.record(z.string(), z.unknown()).nullish()).nullish(),
  signature: z.object({ inputs: z.string().nullish(), outputs: z.string().nullish() }).nullish(),
});

/** One entry of a signature side: a tensor spec, or a column (type "double", "string"...). */
const SpecSchema = z.array(
  z.object({
    type: z.string(),
    name: z.string().nullish(),
    "tensor-spec": z.object({ dtype: z.string(), shape: z.array(z.number().int()) }).nullish(),
  }),
);

/** Flavours whose weights are in a format the gateway names; the first one present wins (ONNX first). */
const FLAVOR_FORMATS: ReadonlyArray<[string, ModelFormat]> = [
  ["onnx", "ONNX"],
  ["pytorch", "PYTORCH"],
  ["keras", "KERAS"],
  ["tensorflow", "TENSORFLOW"],
];

/** numpy dtype names (TensorSpec's "dtype") to element types; strings carry their width ("str256"). */
const DTYPES: Readonly<Record<string, ElementType>> = {
  float16: "FLOAT16",
  float32: "FLOAT32",
  float64: "FLOAT64",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  uint8: "UINT8",
  uint16: "UINT16",
  uint32: "UINT32",
  uint64: "UINT64",
  bool: "BOOL",
  complex64: "COMPLEX64",
  complex128: "COMPLEX128",
};

/**
 * Reads an MLmodel file. A tensor signature becomes TensorSpecs, with MLflow's -1 (a dimension it
 * leaves open) as the gateway's symbolic "?"; a column-based signature (a DataFrame schema), or one
 * with unnamed tensors, names nothing a runInference input could use, so its side is null. Null
 * when the text is not an MLmodel file.
 */
export function readMlmodel(text: string): MlmodelFacts | null {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    return null;
  }
  const parsed = MlmodelSchema.safeParse(document);
  if (!parsed.success) return null;
  const flavors = parsed.data.flavors ?? {};
  const onnx = flavors.onnx ?? null;
  const opset = onnx?.opset ?? onnx?.opset_version;
  return {
    flavors: Object.keys(flavors),
    format: FLAVOR_FORMATS.find(([flavor]) => flavor in flavors)?.[1] ?? "OTHER",
    inputs: tensorSpecs(parsed.data.signature?.inputs),
    outputs: tensorSpecs(parsed.data.signature?.outputs),
    opset: typeof opset === "number" && Number.isInteger(opset) ? opset : null,
    onnxVersion: typeof onnx?.onnx_version === "string" ? onnx.onnx_version : null,
  };
}

function tensorSpecs(json: string | null | undefined): TensorSpec[] | null {
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = SpecSchema.safeParse(value);
  if (!parsed.success || parsed.data.length === 0) return null;
  const specs: TensorSpec[] = [];
  for (const entry of parsed.data) {
    const tensor = entry["tensor-spec"];
    if (entry.type !== "tensor" || !tensor || !entry.name) return null;
    specs.push({
      name: entry.name,
      elementType: elementTypeOf(tensor.dtype),
      shape: tensor.shape.map((size) => (size < 0 ? "?" : size)),
    });
  }
  return specs;
}

function elementTypeOf(dtype: string): ElementType | null {
  if (/^(str|bytes)\d*$/.test(dtype)) return "STRING";
  return DTYPES[dtype] ?? null;
}
