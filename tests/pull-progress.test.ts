import { describe, expect, it } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry, seededBytes } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { PULL_FIELDS, type PullData, pullToEnd, readEvents, startPull, waitForPull } from "./helpers/pulls.js";
import { cachedFiles, startTestApp } from "./helpers/test-app.js";

const PROGRESS = `subscription($id: ID!) {
  pullProgress(id: $id) { pullId status bytesDone bytesTotal bytesPerSecond etaSeconds currentFile filesDone filesTotal errorCode }
}`;

interface Progress {
  pullProgress: {
    pullId: string;
    status: string;
    bytesDone: number;
    bytesTotal: number;
    bytesPerSecond: number | null;
    etaSeconds: number | null;
    currentFile: string | null;
    filesDone: number;
    filesTotal: number;
    errorCode: string | null;
  };
}

const MODEL = seededBytes(1_000_000, 21);

/** A gateway whose one model the file server delivers slowly (about 1.6 MB/s). */
async function startSlow() {
  const server = await FileServer.start();
  const registry = new FakePullRegistry("fake", server.url).add("org/slow", { "model.onnx": MODEL }, server);
  const path = registry.filePath("org/slow", "model.onnx");
  server.fault(path, { slow: { chunkBytes: 16_384, pauseMs: 10 } });
  const gateway = await startTestApp({ http: true, registries: new RegistrySet([registry]) });
  return { gateway, server, path };
}

describe("pull progress", () => {
  it("streams over server-sent events, a few events a second, ending with the final status", async () => {
    const { gateway } = await startSlow();
    const pull = await startPull(gateway, "fake:org/slow");

    const startedAt = performance.now();
    const { contentType, payloads } = await readEvents<Progress>(gateway, PROGRESS, { id: pull.id });
    const seconds = (performance.now() - startedAt) / 1000;

    expect(contentType).toMatch(/^text\/event-stream/);
    const events = payloads.map((p) => p.data?.pullProgress);
    const last = events.at(-1);
    expect(last).toMatchObject({ pullId: pull.id, status: "SUCCEEDED", bytesDone: 1_000_000, bytesTotal: 1_000_000 });
    expect(last).toMatchObject({ filesDone: 1, filesTotal: 1, currentFile: null, errorCode: null });
    const running = events.filter((e) => e?.status === "RUNNING");
    expect(running.length).toBeGreaterThan(1);
    expect(
      running.some((e) => e?.currentFile === "model.onnx" && (e.bytesPerSecond ?? 0) > 0 && e.etaSeconds !== null),
    ).toBe(true);
    const done = events.map((e) => e?.bytesDone ?? -1);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // The transfer reports progress about a hundred times a second; the subscription sends at most four.
    expect(events.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
  });

  it("answers a finished pull with its final state at once, and an unknown id with PULL_NOT_FOUND", async () => {
    const gateway = await startTestApp({ http: true });
    const pull = await startPull(gateway, "local:mlp-classifier");

    const finished = await readEvents<Progress>(gateway, PROGRESS, { id: pull.id });
    const unknown = await gateway.graphql(PROGRESS.replace("subscription", "subscription Unknown"), { id: "nope" });

    expect(finished.payloads.map((p) => p.data?.pullProgress.status)).toEqual(["SUCCEEDED"]);
    expect(unknown.errors?.[0]?.extensions?.code).toBe("PULL_NOT_FOUND");
  });

  it("cancels a slow pull: the transfer stops, nothing is in place, and the next pull resumes", async () => {
    const { gateway, server, path } = await startSlow();
    const pull = await startPull(gateway, "fake:org/slow");
    await waitForPull(gateway, pull.id, (p) => p.bytesDone >= 100_000);

    const cancelled = await gateway.graphql<{ cancelPull: PullData }>(
      `mutation($id: ID!) { cancelPull(id: $id) { ... on Pull { ${PULL_FIELDS} } } }`,
      { id: pull.id },
    );
    const again = await gateway.graphql<{ cancelPull: { code: string; message: string } }>(
      "mutation($id: ID!) { cancelPull(id: $id) { ... on GatewayError { code message } } }",
      { id: pull.id },
    );

    expect(cancelled.data?.cancelPull).toMatchObject({ status: "CANCELLED", errorCode: null });
    expect(again.data?.cancelPull).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(again.data?.cancelPull.message).toMatch(/already finished \(CANCELLED\)/);
    const [first] = server.gets(path);
    expect(first?.clientLeft).toBe(true);
    // The partial download stays for the next pull; nothing else (no blob, no snapshot link).
    const kept = await cachedFiles(gateway);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^models--fake--org--slow\/blobs\/[0-9a-f]{64}\.incomplete$/);

    server.fault(path, {});
    const resumed = await pullToEnd(gateway, "fake:org/slow");
    expect(resumed.status).toBe("SUCCEEDED");
    const second = server.gets(path)[1];
    expect(second?.range).toMatch(/^bytes=\d+-$/);
    expect(Number(second?.range?.slice(6, -1))).toBeGreaterThanOrEqual(100_000);
  });
});
