import type { Dimension, ElementType } from "../domain/tensors.js";
import { onnxCodeOf } from "./element-types.js";
import { type OnnxTypes, onnx } from "./onnx-proto.js";

/**
 * Builds ONNX models in code: the seeded sample models and the test fixtures come from here, so
 * no binary model is committed.
 */
export interface TensorDecl {
  name: string;
  elementType: ElementType;
  shape: Dimension[];
}

export interface InitializerDecl {
  name: string;
  elementType: ElementType;
  dims: number[];
  /** Little-endian values, e.g. a Float32Array for FLOAT32. */
  data: ArrayBufferView;
}

export interface NodeDecl {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxTypes.IAttributeProto[];
  domain?: string;
}

export interface ModelSpec {
  graphName?: string;
  docString?: string;
  producer?: { name: string; version: string };
  /** The ai.onnx operator set version (default 17). */
  opset?: number;
  inputs: TensorDecl[];
  outputs: TensorDecl[];
  initializers?: InitializerDecl[];
  nodes: NodeDecl[];
  metadata?: Record<string, string>;
}

const IR_VERSION = 8;

export function buildOnnxModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: spec.producer?.name ?? "model-gateway",
    producerVersion: spec.producer?.version ?? "1",
    docString: spec.docString ?? "",
    opsetImport: [{ domain: "", version: spec.opset ?? 17 }],
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName ?? "main",
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map((init) => ({
        name: init.name,
        dataType: onnxCodeOf(init.elementType),
        dims: init.dims,
        rawData: new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength),
      })),
      node: spec.nodes.map((node, index) => ({
        name: `${node.op}_${index}`,
        opType: node.op,
        domain: node.domain ?? "",
        input: node.inputs,
        output: node.outputs,
        attribute: node.attributes ?? [],
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(decl: TensorDecl): OnnxTypes.IValueInfoProto {
  return {
    name: decl.name,
    type: {
      tensorType: {
        elemType: onnxCodeOf(decl.elementType),
        shape: {
          dim: decl.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/** Attribute helpers for NodeDecl.attributes. */
export const attribute = {
  int: (name: string, i: number): OnnxTypes.IAttributeProto => ({
    name,
    type: onnx.AttributeProto.AttributeType.INT,
    i,
  }),
  float: (name: string, f: number): OnnxTypes.IAttributeProto => ({
    name,
    type: onnx.AttributeProto.AttributeType.FLOAT,
    f,
  }),
  ints: (name: string, ints: number[]): OnnxTypes.IAttributeProto => ({
    name,
    type: onnx.AttributeProto.AttributeType.INTS,
    ints,
  }),
};

/** Deterministic pseudo-random weights in [-1, 1) (mulberry32), so generated models are reproducible. */
export function seededWeights(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
