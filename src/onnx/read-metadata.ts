import type { Dimension, TensorSpec } from "../domain/tensors.js";
import { elementTypeFromOnnxCode } from "./element-types.js";
import { type OnnxTypes, onnx, toNumber } from "./onnx-proto.js";

/** What an ONNX file says about itself, read from its protobuf without creating a session. */
export interface OnnxMetadata {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** The version of the default (ai.onnx) operator set. */
  opset: number | null;
  irVersion: number;
  producer: string | null;
  docString: string | null;
  metadataProps: Record<string, string>;
}

/** The bytes are not a readable ONNX model; the message says why, for users. */
export class UnreadableOnnxModel extends Error {
  override name = "UnreadableOnnxModel";
}

export function readOnnxMetadata(bytes: Uint8Array): OnnxMetadata {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new UnreadableOnnxModel(`truncated or not an ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  const irVersion = toNumber(model.irVersion);
  // Protobuf decodes many foreign files "successfully"; a model has an IR version and graph outputs.
  if (irVersion <= 0 || !graph || (graph.output ?? []).length === 0) {
    throw new UnreadableOnnxModel("not an ONNX model (no IR version or no graph outputs)");
  }
  // Before IR 4, initializers were also listed as graph inputs; they are weights, not inputs.
  const initializers = new Set((graph.initializer ?? []).map((tensor) => tensor.name));
  const defaultOpset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(tensorSpec),
    outputs: (graph.output ?? []).map(tensorSpec),
    opset: defaultOpset ? toNumber(defaultOpset.version) : null,
    irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" ") || null,
    docString: model.docString || graph.docString || null,
    metadataProps: Object.fromEntries((model.metadataProps ?? []).map((entry) => [entry.key ?? "", entry.value ?? ""])),
  };
}

function tensorSpec(value: OnnxTypes.IValueInfoProto): TensorSpec {
  const tensor = value.type?.tensorType;
  const dims = tensor?.shape?.dim;
  return {
    name: value.name ?? "",
    elementType: tensor?.elemType ? elementTypeFromOnnxCode(tensor.elemType) : null,
    shape: dims ? dims.map(dimension) : null,
  };
}

function dimension(dim: OnnxTypes.TensorShapeProto.IDimension): Dimension {
  // `dim_value`/`dim_param` is a oneof: a dimension with neither is unknown, not 0.
  if (Object.hasOwn(dim, "dimParam") && dim.dimParam) return dim.dimParam;
  if (Object.hasOwn(dim, "dimValue")) return toNumber(dim.dimValue);
  return "?";
}
