import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { commitOf, FakePullRegistry, seededBytes } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { pullToEnd } from "./helpers/pulls.js";
import { startTestApp } from "./helpers/test-app.js";

const SHARED = seededBytes(100_000, 41);

async function start() {
  const server = await FileServer.start();
  const registry = new FakePullRegistry("fake", server.url)
    .add("org/a", { "model.onnx": SHARED, "a.json": seededBytes(1_000, 42) }, server)
    .add("org/b", { "model.onnx": SHARED, "b.json": seededBytes(2_000, 43) }, server)
    .add("org/c", { "model.onnx": seededBytes(10, 44) }, server);
  const gateway = await startTestApp({ registries: new RegistrySet([registry]) });
  return { gateway, server, registry };
}

const PULLS = `query($first: Int, $after: String, $status: PullStatus, $model: String) {
  pulls(first: $first, after: $after, status: $status, model: $model) {
    edges { node { ref status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface PullsData {
  pulls: {
    edges: Array<{ node: { ref: string; status: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

const CACHE = "{ cache { totalBytes freeBytes models { ref bytes files lastUsedAt } } }";

interface CacheData {
  cache: { totalBytes: number; freeBytes: number; models: Array<{ ref: string; bytes: number; files: number }> };
}

const REMOVE = `mutation($ref: String!) {
  removeModel(ref: $ref) { __typename ... on RemovedModel { ref bytesFreed files } ... on GatewayError { code message } }
}`;

describe("pull history", () => {
  it("lists pulls newest first, filtered by status and model, in pages that never overlap", async () => {
    const { gateway, server, registry } = await start();
    server.fault(registry.filePath("org/c", "model.onnx"), { statuses: [404] });
    for (const ref of ["fake:org/a", "fake:org/b", "fake:org/c", "fake:org/a"]) await pullToEnd(gateway, ref);

    const all = await gateway.graphql<PullsData>(PULLS, {});
    const failed = await gateway.graphql<PullsData>(PULLS, { status: "FAILED" });
    const ofA = await gateway.graphql<PullsData>(PULLS, { model: "org/a" });
    const first = await gateway.graphql<PullsData>(PULLS, { first: 2 });
    const second = await gateway.graphql<PullsData>(PULLS, { first: 2, after: first.data?.pulls.pageInfo.endCursor });

    const refs = (data: PullsData | undefined) => data?.pulls.edges.map((e) => `${e.node.ref} ${e.node.status}`);
    expect(refs(all.data)).toEqual([
      "fake:org/a SUCCEEDED",
      "fake:org/c FAILED",
      "fake:org/b SUCCEEDED",
      "fake:org/a SUCCEEDED",
    ]);
    expect(refs(failed.data)).toEqual(["fake:org/c FAILED"]);
    expect(refs(ofA.data)).toEqual(["fake:org/a SUCCEEDED", "fake:org/a SUCCEEDED"]);
    expect([...(refs(first.data) ?? []), ...(refs(second.data) ?? [])]).toEqual(refs(all.data));
    expect(second.data?.pulls.pageInfo.hasNextPage).toBe(false);
    expect((await gateway.graphql('{ pull(id: "nope") { id } }')).data).toEqual({ pull: null });
  });
});

describe("the cache", () => {
  it("stores a file two models share once, and removing one model keeps the other's", async () => {
    const { gateway } = await start();
    const cached = async (ref: string) =>
      (
        await gateway.graphql<{ model: { cached: boolean } }>("query($ref: String!) { model(ref: $ref) { cached } }", {
          ref,
        })
      ).data?.model.cached;
    expect(await cached("fake:org/a")).toBe(false);
    await pullToEnd(gateway, "fake:org/a");
    await pullToEnd(gateway, "fake:org/b");

    const before = await gateway.graphql<CacheData>(CACHE);
    const removed = await gateway.graphql<{ removeModel: Record<string, unknown> }>(REMOVE, { ref: "fake:org/a" });
    const after = await gateway.graphql<CacheData>(CACHE);

    expect(before.data?.cache.models.map((m) => [m.ref, m.bytes, m.files])).toEqual([
      ["fake:org/a", 101_000, 2],
      ["fake:org/b", 102_000, 2],
    ]);
    expect(before.data?.cache.totalBytes).toBe(100_000 + 1_000 + 2_000);
    expect(before.data?.cache.freeBytes).toBeGreaterThan(0);
    expect(removed.data?.removeModel).toEqual({
      __typename: "RemovedModel",
      ref: "fake:org/a",
      bytesFreed: 1_000,
      files: 2,
    });
    expect(after.data?.cache.models.map((m) => m.ref)).toEqual(["fake:org/b"]);
    expect(after.data?.cache.totalBytes).toBe(102_000);
    expect(await cached("fake:org/a")).toBe(false);
    expect(await cached("fake:org/b")).toBe(true);
    const shared = join(gateway.dataDir, "cache", "models--fake--org--b", "snapshots", commitOf("org/b"), "model.onnx");
    expect(await readFile(shared)).toEqual(SHARED);
  });

  it("explains what it cannot remove", async () => {
    const { gateway } = await start();

    const missing = await gateway.graphql<{ removeModel: { code: string; message: string } }>(REMOVE, {
      ref: "fake:org/c",
    });
    const pinned = await gateway.graphql<{ removeModel: { code: string; message: string } }>(REMOVE, {
      ref: "fake:org/a@main",
    });

    expect(missing.data?.removeModel).toEqual({
      __typename: "GatewayError",
      code: "MODEL_NOT_CACHED",
      message: "fake:org/c is not in the cache.",
    });
    expect(pinned.data?.removeModel).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(pinned.data?.removeModel.message).toMatch(/name it without @main/);
  });
});
