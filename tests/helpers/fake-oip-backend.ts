import type { IncomingMessage, ServerResponse } from "node:http";
import { type LocalServer, startLocalServer } from "./local-server.js";

/** An inference request the fake received. */
export interface ReceivedInfer {
  path: string;
  contentType: string | null;
  authorization: string | null;
  offload: string | null;
  body: Buffer;
}

/**
 * A remote Open Inference Protocol server written in the test from the specification, as
 * Triton or MLServer would answer: it serves `local:mlp-classifier` only (features FP32 [-1, 4]
 * to probabilities FP32 [-1, 3]), lists no binary extension, and answers inference with fixed
 * JSON probabilities, or never (`hang`), to test what the gateway does with such a backend.
 */
export class FakeOipBackend {
  readonly infers: ReceivedInfer[] = [];
  /** What inference does: answer JSON, or accept and never answer. */
  mode: "json" | "hang" = "json";
  /** What its model metadata states: the signature, or (as MLServer's custom runtimes) none, with nulls. */
  metadata: "signature" | "bare" = "signature";
  static readonly PROBABILITIES = [0.125, 0.25, 0.625];

  private constructor(private readonly server: LocalServer) {}

  static async start(): Promise<FakeOipBackend> {
    let fake: FakeOipBackend | undefined;
    fake = new FakeOipBackend(await startLocalServer((request, response) => fake?.handle(request, response)));
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? "";
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (path === "/v2/health/ready") return json(200, { ready: true });
    if (path === "/v2") return json(200, { name: "fake", version: "1", extensions: [] });
    const model = /^\/v2\/models\/([^/]+)(\/ready|\/infer)?$/.exec(path);
    if (!model || decodeURIComponent(model[1] as string) !== "local:mlp-classifier") {
      return json(404, { error: "unknown model" });
    }
    if (model[2] === "/ready") return json(200, { name: "local:mlp-classifier", ready: true });
    if (model[2] === undefined && this.metadata === "bare") {
      return json(200, { name: "local:mlp-classifier", versions: null, platform: "", inputs: [], outputs: null });
    }
    if (model[2] === undefined) {
      return json(200, {
        name: "local:mlp-classifier",
        platform: "onnxruntime_onnx",
        inputs: [{ name: "features", datatype: "FP32", shape: [-1, 4] }],
        outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, 3] }],
      });
    }
    this.infers.push({
      path,
      contentType: request.headers["content-type"] ?? null,
      authorization: request.headers.authorization ?? null,
      offload: (request.headers["x-model-gateway-offload"] as string | undefined) ?? null,
      body: Buffer.concat(chunks),
    });
    if (this.mode === "hang") return;
    json(200, {
      model_name: "local:mlp-classifier",
      outputs: [{ name: "probabilities", datatype: "FP32", shape: [1, 3], data: FakeOipBackend.PROBABILITIES }],
    });
  }
}
