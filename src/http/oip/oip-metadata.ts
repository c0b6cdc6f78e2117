import type { Services } from "../../context.js";
import { parseModelRef } from "../../domain/model-ref.js";
import type { TensorSpec } from "../../domain/tensors.js";
import { oipDatatype, oipShape } from "../../oip/datatypes.js";
import { BINARY_EXTENSION } from "../../oip/wire-schemas.js";
import type { ModelLookup } from "../../services/catalog.js";
import type { ModelName } from "./oip-route.js";

/** `GET /v2`: the server's name, version and the extensions it supports. */
export function serverMetadata(services: Services): Response {
  return Response.json({ name: "model-gateway", version: services.version, extensions: [BINARY_EXTENSION] });
}

/**
 * `GET /v2/health/ready`: 200 when the database works and something can run models (a local
 * execution provider that initialises, or a remote backend that is ready); 503 saying why not.
 */
export async function serverReady(services: Services): Promise<Response> {
  const [database, available] = await Promise.all([
    services.databaseHealth.check(),
    services.inference.engine.providers.available(),
  ]);
  const remote = services.backends.all.some((backend) => backend.state.status === "READY");
  const why =
    database.status !== "ok"
      ? "the gateway's database cannot be used"
      : available.length === 0 && !remote
        ? "no execution provider initialises here and no remote backend is ready"
        : null;
  return why === null
    ? Response.json({ ready: true })
    : Response.json({ ready: false, error: `Not ready: ${why}.` }, { status: 503 });
}

/** `GET /v2/models/<name>`: the model's versions, platform, inputs and outputs (symbolic dimensions -1). */
export async function modelMetadata(services: Services, model: ModelName, signal: AbortSignal): Promise<Response> {
  const ref = parseModelRef(model.ref);
  const { info } = await lookup(services, model, signal);
  const signature =
    info.inputs !== null || info.format !== "ONNX" ? info : ((await services.cache.signature(ref)) ?? info);
  const tensor = (spec: TensorSpec) => ({
    name: spec.name,
    datatype: spec.elementType === null ? "BYTES" : oipDatatype(spec.elementType),
    shape: oipShape(spec.shape),
  });
  return Response.json({
    name: model.name,
    ...(info.availableRevisions?.length ? { versions: info.availableRevisions } : {}),
    platform: info.format === "ONNX" ? "onnx_onnxv1" : info.format.toLowerCase(),
    inputs: (signature.inputs ?? []).map(tensor),
    outputs: (signature.outputs ?? []).map(tensor),
  });
}

/**
 * `GET /v2/models/<name>/ready`: 200 `{ ready: true }` when the model is an ONNX model whose files
 * are on this machine (the local folder's always are); 503 `{ ready: false }` saying why otherwise
 * (an inference would pull it first, with the pull scope).
 */
export async function modelReady(services: Services, model: ModelName, signal: AbortSignal): Promise<Response> {
  const ref = parseModelRef(model.ref);
  const { info } = await lookup(services, model, signal);
  const why =
    info.format !== "ONNX"
      ? `it is a ${info.format} model, and the gateway runs ONNX models only`
      : !(await services.cache.isCached(ref))
        ? "it is not in this gateway's cache; an inference with the pull scope pulls it first (or pullModel)"
        : null;
  if (why === null) return Response.json({ name: model.name, ready: true });
  return Response.json(
    { name: model.name, ready: false, error: `Model ${model.name} is not ready: ${why}.` },
    { status: 503 },
  );
}

async function lookup(services: Services, model: ModelName, signal: AbortSignal): Promise<ModelLookup> {
  const [found] = await services.catalog.lookup([parseModelRef(model.ref)], signal);
  if (!found || found instanceof Error) throw found ?? new Error("no answer");
  return found;
}
