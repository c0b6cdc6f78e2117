import { describe, expect, it } from "vitest";
import type { DocumentStore } from "../src/db/document-store.js";
import { PrismaDocumentStore } from "../src/db/document-store.js";
import { createLogger } from "../src/logger.js";
import { OnnxZooRegistry } from "../src/registries/onnx-zoo/onnx-zoo-registry.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";
import {
  type ManifestServer,
  REAL_ENTRIES,
  REAL_MANIFEST,
  type SourceMode,
  startManifestServer,
} from "./helpers/zoo-manifest-server.js";

// The current test's manifest source and gateway (both close themselves when the test ends).
let source: ManifestServer;
let gateway: TestApp;

/** A gateway with the local folder and the zoo, whose manifest is revalidated on every call by default. */
async function start(env: Record<string, string> = {}): Promise<TestApp> {
  source = await startManifestServer();
  gateway = await startTestApp({
    env: {
      REGISTRIES: "local,onnx-zoo",
      ONNX_ZOO_MANIFEST_URL: source.url,
      ONNX_ZOO_MANIFEST_TTL_SECONDS: "0",
      REGISTRY_TIMEOUT_MS: "2000",
      ...env,
    },
  });
  return gateway;
}

/** The zoo strategy on its own, as a new process would build it, over the given document store. */
function zooRegistry(documents: DocumentStore): OnnxZooRegistry {
  return new OnnxZooRegistry({
    name: "onnx-zoo",
    manifestUrl: source.url,
    manifestTtlMs: 0,
    filesUrl: "http://mirror.test/files",
    callTimeoutMs: 2000,
    fetch,
    documents,
    logger: createLogger("silent"),
  });
}

const searchIn = (registry: OnnxZooRegistry) =>
  registry.searchModels({ query: "mnist", filter: {}, sort: "RELEVANCE", limit: 10, cursor: null });

interface SearchData {
  searchModels: {
    edges: Array<{ node: { ref: string; stale: boolean } }>;
    failures: Array<{ registry: string; code: string; message: string }>;
  };
}

const searchMnist = () =>
  gateway.graphql<SearchData>(`{ searchModels(query: "mnist", registries: ["onnx-zoo"], first: 10) {
    edges { node { ref stale } }
    failures { registry code message }
  } }`);

const MNIST_REFS = ["onnx-zoo:MNIST", "onnx-zoo:MNIST-12", "onnx-zoo:MNIST-12-int8"];

const storedCopy = () => gateway.app.services.db.cachedDocument.findUnique({ where: { url: source.url } });

describe("the zoo's manifest cache", () => {
  it("revalidates with the stored ETag once the TTL has passed, and keeps its copy on 304", async () => {
    await start();

    const first = await searchMnist();
    const firstCopy = await storedCopy();
    const second = await searchMnist();

    expect(first.data?.searchModels.edges.map((e) => e.node.ref)).toEqual(MNIST_REFS);
    expect(second.data).toEqual(first.data);
    expect(source.requests).toEqual([
      { status: 200, ifNoneMatch: null, ifModifiedSince: null },
      { status: 304, ifNoneMatch: source.etag, ifModifiedSince: source.lastModified },
    ]);
    expect(await storedCopy()).toMatchObject({ etag: source.etag, lastModified: source.lastModified });
    expect((await storedCopy())?.fetchedAt.getTime()).toBeGreaterThanOrEqual(firstCopy?.fetchedAt.getTime() ?? 0);
  });

  it("asks the source nothing while the copy is younger than the TTL", async () => {
    await start({ ONNX_ZOO_MANIFEST_TTL_SECONDS: "3600" });

    await searchMnist();
    await searchMnist();
    await gateway.graphql('{ model(ref: "onnx-zoo:MNIST") { ref } }');

    expect(source.requests).toHaveLength(1);
  });

  async function registryStatus() {
    const { data } = await gateway.graphql<{ registries: Array<{ name: string; status: string; lastError: string }> }>(
      "{ registries { name status lastError } }",
    );
    return data?.registries.find((registry) => registry.name === "onnx-zoo");
  }

  it("replaces the stored copy when the manifest changes", async () => {
    await start();
    await searchMnist();

    source.body = JSON.stringify(REAL_ENTRIES.filter((entry) => entry.model !== "MNIST"));
    const changed = await searchMnist();

    expect(changed.data?.searchModels.edges.map((e) => e.node.ref)).toEqual([
      "onnx-zoo:MNIST-12",
      "onnx-zoo:MNIST-12-int8",
    ]);
    expect(await storedCopy()).toMatchObject({ etag: source.etag, body: source.body });
  });

  it.each<SourceMode>(["error", "rate-limited", "reset", "hang"])(
    "serves the stored copy flagged stale while the source fails (%s), and fresh data once it is back",
    async (mode) => {
      await start();
      await searchMnist();

      source.mode = mode;
      const search = await searchMnist();
      const model = await gateway.graphql<{ model: { ref: string; stale: boolean; opset: number } }>(
        '{ model(ref: "onnx-zoo:MNIST") { ref stale opset } }',
      );
      const during = await registryStatus();
      source.mode = "ok";
      const recovered = await searchMnist();
      const after = await registryStatus();

      expect(search.data?.searchModels.failures).toEqual([]);
      expect(search.data?.searchModels.edges.map((e) => e.node)).toEqual(
        MNIST_REFS.map((ref) => ({ ref, stale: true })),
      );
      expect(model.data?.model).toEqual({ ref: "onnx-zoo:MNIST", stale: true, opset: 8 });
      expect(recovered.data?.searchModels.edges.map((e) => e.node)).toEqual(
        MNIST_REFS.map((ref) => ({ ref, stale: false })),
      );
      // The outage shows where operators look, though results still come.
      expect(during).toMatchObject({ status: "DEGRADED", lastError: expect.stringMatching(/stored copy answered/) });
      expect(after).toMatchObject({ status: "OK", lastError: null });
    },
  );

  it("without a stored copy, an unreachable source is a failure entry beside the other registries' results", async () => {
    await start();
    source.mode = "error";

    const search = await gateway.graphql<SearchData>(`{ searchModels(first: 5) {
      edges { node { ref stale } } failures { registry code message }
    } }`);
    const model = await gateway.graphql('{ model(ref: "onnx-zoo:MNIST") { ref } }');

    expect(search.data?.searchModels.edges.map((e) => e.node.ref)).toEqual([
      "local:mlp-classifier",
      "local:pair-classifier",
    ]);
    expect(search.data?.searchModels.failures).toEqual([
      {
        registry: "onnx-zoo",
        code: "REGISTRY_UNAVAILABLE",
        message: "Registry onnx-zoo is unavailable: the manifest answered HTTP 503.",
      },
    ]);
    expect(model.errors?.[0]?.extensions?.code).toBe("REGISTRY_UNAVAILABLE");
    expect(await storedCopy()).toBeNull();
  });

  it("without a stored copy, a rate-limiting source is RATE_LIMITED with its Retry-After", async () => {
    await start();
    source.mode = "rate-limited";

    const search = await gateway.graphql<{ searchModels: { failures: unknown[] } }>(
      '{ searchModels(registries: ["onnx-zoo"]) { failures { registry code retryAfterSeconds } } }',
    );

    expect(search.data?.searchModels.failures).toEqual([
      { registry: "onnx-zoo", code: "RATE_LIMITED", retryAfterSeconds: 120 },
    ]);
  });

  it.each([
    ["an HTML error page", "<html><body>Too many requests</body></html>"],
    ["entries of another format", JSON.stringify([{ model: 42, opset_version: "twelve" }])],
  ])("never lets %s replace the good stored copy", async (_case, body) => {
    await start();
    await searchMnist();
    const good = await storedCopy();

    source.body = body;
    const search = await searchMnist();

    expect(search.data?.searchModels.edges.map((e) => e.node)).toEqual(MNIST_REFS.map((ref) => ({ ref, stale: true })));
    expect(await storedCopy()).toEqual(good);
  });

  it("after a restart, revalidates the stored copy with its validators, and serves it while the source is down", async () => {
    const { db } = (await start()).app.services;
    await searchMnist();

    const revalidated = await searchIn(zooRegistry(new PrismaDocumentStore(db)));
    source.mode = "error";
    const offline = await searchIn(zooRegistry(new PrismaDocumentStore(db)));

    expect(source.requests[1]).toEqual({ status: 304, ifNoneMatch: source.etag, ifModifiedSince: source.lastModified });
    expect(revalidated.items.map((item) => [item.id, item.stale])).toEqual(
      MNIST_REFS.map((r) => [r.slice(9), undefined]),
    );
    expect(offline.items.map((item) => [item.id, item.stale])).toEqual(MNIST_REFS.map((r) => [r.slice(9), true]));
    expect((await storedCopy())?.body).toBe(REAL_MANIFEST);
  });

  it("keeps answering from the source when the database can neither read nor store the manifest", async () => {
    await start();
    const broken = () => Promise.reject(new Error("SQLITE_IOERR: disk I/O error"));
    const registry = zooRegistry({ get: broken, put: broken, touch: broken });

    const first = await searchIn(registry);
    const second = await searchIn(registry);

    expect(first.items.map((item) => [item.id, item.stale])).toEqual(MNIST_REFS.map((r) => [r.slice(9), undefined]));
    expect(second.items).toEqual(first.items);
    expect(source.requests.map((request) => request.status)).toEqual([200, 304]);
  });
});
