import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { buildOnnxModel, seededWeights } from "../../src/onnx/build-model.js";
import { CHROMIUM, launchBrowser } from "./browser.js";
import { FakeHub, type FakeHubRepo } from "./fake-hub.js";
import { freePort } from "./services/free-port.js";
import { startTestApp, type TestApp } from "./test-app.js";
import { type ManifestServer, startManifestServer } from "./zoo-manifest-server.js";

/** A real ONNX classifier of `classes` classes: x[batch, 256] → MatMul → Softmax, weights seeded. */
export function hubClassifier(classes: number, seed: number): Uint8Array {
  return buildOnnxModel({
    graphName: "hub_classifier",
    inputs: [{ name: "pixel_values", elementType: "FLOAT32", shape: ["batch", 256] }],
    outputs: [{ name: "probabilities", elementType: "FLOAT32", shape: ["batch", classes] }],
    initializers: [
      { name: "w", elementType: "FLOAT32", dims: [256, classes], data: seededWeights(256 * classes, seed) },
    ],
    nodes: [
      { op: "MatMul", inputs: ["pixel_values", "w"], outputs: ["logits"] },
      { op: "Softmax", inputs: ["logits"], outputs: ["probabilities"] },
    ],
  });
}

/** The fake Hub's repositories: two pullable classifiers (about 1 MB and 4 MB) and some to search. */
export const WEB_REPOS: FakeHubRepo[] = [
  {
    id: "acme/vit-classifier",
    pipelineTag: "image-classification",
    license: "apache-2.0",
    downloads: 52_000,
    likes: 310,
    description: "A vision classifier exported to ONNX.",
    files: [
      { path: "README.md", content: "# ViT classifier\n" },
      { path: "config.json", content: '{"model_type":"vit"}' },
      { path: "onnx/model.onnx", content: hubClassifier(1000, 7) },
    ],
  },
  {
    id: "acme/big-classifier",
    pipelineTag: "image-classification",
    license: "mit",
    downloads: 1_200,
    likes: 12,
    files: [{ path: "onnx/model.onnx", content: hubClassifier(4000, 8) }],
  },
  { id: "acme/text-classifier", pipelineTag: "text-classification", license: "mit", downloads: 9_000, likes: 40 },
  { id: "acme/gated-llm", pipelineTag: "text-generation", gated: "manual", downloads: 800_000, likes: 5_000 },
  {
    id: "acme/tiny-llama-gguf",
    pipelineTag: "text-generation",
    license: "llama3",
    files: [{ path: "tiny.Q4_K_M.gguf", content: "GGUF weights" }],
  },
];

export interface WebGateway extends AsyncDisposable {
  gateway: TestApp;
  hub: FakeHub;
  zoo: ManifestServer;
  close(): Promise<void>;
}

/**
 * A gateway over the local folder (seeded samples), a fake Hub, the zoo's real manifest, and a
 * `mirror` Hub instance at a port nothing listens on (connection refused): a registry that fails.
 * It listens on a real port: a browser loads its pages.
 */
export async function startWebGateway(env: Record<string, string> = {}): Promise<WebGateway> {
  const hub = await FakeHub.start({ repos: WEB_REPOS });
  const zoo = await startManifestServer();
  const configDir = await mkdtemp(join(tmpdir(), "web-registries-"));
  const gateway = await startTestApp({
    http: true,
    env: {
      REGISTRIES: "local,hf,onnx-zoo,mirror",
      REGISTRIES_FILE: await registriesFile(configDir, await freePort()),
      HF_ENDPOINT: hub.url,
      HF_RETRY_BACKOFF_MS: "5",
      ONNX_ZOO_MANIFEST_URL: zoo.url,
      ...env,
    },
  });
  const close = async () => {
    await gateway.close();
    await hub.close();
    await zoo.close();
    await rm(configDir, { recursive: true, force: true });
  };
  return { gateway, hub, zoo, close, [Symbol.asyncDispose]: close };
}

/** A REGISTRIES_FILE declaring the `mirror` instance at that port. */
async function registriesFile(dir: string, port: number): Promise<string> {
  const file = join(dir, "registries.json");
  const mirror = { name: "mirror", kind: "huggingface", endpoint: `http://127.0.0.1:${port}` };
  await writeFile(file, JSON.stringify({ registries: [mirror] }));
  return file;
}

/** One Chromium and one web gateway for a browser test file: started before its tests (where Chromium is installed) and closed after them. */
export function browserAndGateway(): { browser: Browser; setup: WebGateway; url: string } {
  const shared = {} as { browser: Browser; setup: WebGateway; url: string };
  beforeAll(async () => {
    if (!CHROMIUM) return;
    [shared.browser, shared.setup] = await Promise.all([launchBrowser(), startWebGateway()]);
    shared.url = shared.setup.gateway.url;
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.setup?.close();
  });
  return shared;
}
