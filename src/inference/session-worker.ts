/**
 * A worker thread that holds ONNX Runtime sessions and runs them: `session.run()` blocks the thread
 * it runs on, so it must not be the server's. The pool sends one call at a time.
 */
import { parentPort, workerData } from "node:worker_threads";
import ort from "onnxruntime-node";
import type { TensorSpec } from "../domain/tensors.js";
import { buildOnnxModel } from "../onnx/build-model.js";
import { elementTypeFromOnnxName } from "../onnx/element-types.js";
import type { OrtElementType, TensorData } from "./tensor-codec.js";
import {
  buffersOf,
  type CallName,
  type WireTensor,
  type WorkerCalls,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSettings,
} from "./worker-protocol.js";

const settings = workerData as WorkerSettings;
ort.env.logLevel = settings.ortLogLevel;
const sessions = new Map<string, ort.InferenceSession>();

type Handlers = { [C in CallName]: (args: WorkerCalls[C]["args"]) => Promise<WorkerCalls[C]["result"]> };

const handlers: Handlers = {
  async probe({ provider }) {
    const session = await ort.InferenceSession.create(PROBE_MODEL, { executionProviders: [provider] });
    try {
      await session.run({ x: new ort.Tensor("float32", new Float32Array([1]), [1]) });
    } finally {
      await session.release();
    }
    return null;
  },
  async load({ id, path, provider }) {
    const session = await ort.InferenceSession.create(path, {
      executionProviders: [provider],
      intraOpNumThreads: settings.intraOpThreads,
      interOpNumThreads: 1,
    });
    sessions.set(id, session);
    return {
      inputs: session.inputMetadata.map(specOf),
      outputs: session.outputMetadata.map(specOf),
    };
  },
  async run({ id, feeds, fetches }) {
    const session = sessions.get(id);
    if (!session) throw new Error(`no session ${id} in this worker`);
    const inputs = Object.fromEntries(
      feeds.map((feed) => [feed.name, new ort.Tensor(feed.type, feed.data, feed.dims)]),
    );
    const started = performance.now();
    const results = await session.run(inputs, fetches);
    const runMs = performance.now() - started;
    const outputs = fetches.map((name): WireTensor => {
      const tensor = results[name] as ort.Tensor;
      return { name, type: tensor.type as OrtElementType, dims: [...tensor.dims], data: tensor.data as TensorData };
    });
    return { outputs, runMs };
  },
  async release({ id }) {
    await sessions.get(id)?.release();
    sessions.delete(id);
    return null;
  },
  async count() {
    return sessions.size;
  },
};

/** x + x on one float: enough to make a provider set itself up and run a kernel. */
const PROBE_MODEL = buildOnnxModel({
  inputs: [{ name: "x", elementType: "FLOAT32", shape: [1] }],
  outputs: [{ name: "y", elementType: "FLOAT32", shape: [1] }],
  nodes: [{ op: "Add", inputs: ["x", "x"], outputs: ["y"] }],
});

function specOf(metadata: ort.InferenceSession.ValueMetadata): TensorSpec {
  if (!metadata.isTensor) return { name: metadata.name, elementType: null, shape: null };
  return {
    name: metadata.name,
    elementType: elementTypeFromOnnxName(metadata.type),
    // onnxruntime names an unnamed free dimension ""; the gateway calls it "?".
    shape: metadata.shape.map((dim) => (dim === "" ? "?" : dim)),
  };
}

const port = parentPort;
if (!port) throw new Error("session-worker runs as a worker thread");
port.on("message", async ({ id, call, args }: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const value = await (handlers[call] as (args: unknown) => Promise<unknown>)(args);
    reply = { id, ok: true, value };
    if (call === "run") transfer = buffersOf((value as WorkerCalls["run"]["result"]).outputs);
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  try {
    port.postMessage(reply, transfer);
  } catch {
    // A buffer onnxruntime still owns cannot be transferred; copying it is the fallback.
    port.postMessage(reply);
  }
});
