import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { GatewayError } from "../src/domain/errors.js";
import type { ModelFile } from "../src/domain/model.js";
import type { ModelRef } from "../src/domain/model-ref.js";
import type { ModelManager } from "../src/registries/types.js";
import type { FakeHubRepo } from "./helpers/fake-hub.js";
import { startHubGateway } from "./helpers/hub-gateway.js";

const GRAPH = "graph bytes ".repeat(100);
const REPOS: FakeHubRepo[] = [
  {
    id: "acme/vision",
    files: [
      { path: "README.md", content: "# Vision\n" },
      { path: "onnx/model.onnx", content: GRAPH },
    ],
  },
  { id: "acme/gated", gated: "manual", grantedTokens: ["hf_granted"] },
];
const TOKENS = ["hf_granted", "hf_other"];

const ref = (id: string, revision: string | null = null): ModelRef => ({ registry: "hf", id, revision });
const sha256 = (content: string) => createHash("sha256").update(content).digest("hex");

async function startWith(env: Record<string, string> = {}, options: { ignoreBlobs?: boolean } = {}) {
  const setup = await startHubGateway({ repos: REPOS, tokens: TOKENS, ...options }, env);
  return { setup, hf: setup.gateway.app.services.registries.get("hf") as ModelManager };
}

const signal = () => AbortSignal.timeout(10_000);

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: GatewayError) => error,
  );
}

describe("Hugging Face Hub downloads, as the pull engine resolves them", () => {
  it("resolves files to resolve URLs pinned to the commit, with the size and sha256 the Hub states", async () => {
    const { setup, hf } = await startWith();
    const { revision, files } = await hf.listModelFiles(ref("acme/vision"), signal());
    const commit = setup.hub.commitOf("acme/vision");

    const [readme, graph] = await Promise.all(
      files.map((file) => hf.resolveDownload(ref("acme/vision", revision), file, signal())),
    );
    const download = await fetch(graph?.url as string, { headers: graph?.headers });

    expect(revision).toBe(commit);
    expect(readme).toEqual({
      url: `${setup.hub.url}/acme/vision/resolve/${commit}/README.md`,
      headers: {},
      sizeBytes: 9,
      sha256: null,
    });
    expect(graph).toEqual({
      url: `${setup.hub.url}/acme/vision/resolve/${commit}/onnx/model.onnx`,
      headers: {},
      sizeBytes: GRAPH.length,
      sha256: sha256(GRAPH),
    });
    // Two HEADs to learn size, hash and commit, then the download itself (redirected to the CDN).
    const resolves = setup.hub.requestsTo("hub", `/acme/vision/resolve/${commit}/`);
    expect(resolves.map((r) => r.method)).toEqual(["HEAD", "HEAD", "GET"]);
    expect(setup.hub.requestsTo("cdn").map((r) => r.path)).toEqual([`/blobs/${sha256(GRAPH)}`]);
    expect(await download.text()).toBe(GRAPH);
  });

  it("answers FILE_NOT_FOUND, REVISION_NOT_FOUND and GATED_MODEL before anything is downloaded", async () => {
    const { setup, hf } = await startWith({ HF_TOKEN: "hf_other" });
    const missing = { path: "nope.onnx", sizeBytes: null, sha256: null };

    const noFile = await failureOf(hf.resolveDownload(ref("acme/vision"), missing, signal()));
    const noRevision = await failureOf(hf.resolveDownload(ref("acme/vision", "v9"), missing, signal()));
    const gatedFile = await failureOf(hf.resolveDownload(ref("acme/gated"), missing, signal()));
    const gatedList = await failureOf(hf.listModelFiles(ref("acme/gated"), signal()));

    expect([noFile.code, noFile.message]).toEqual(["FILE_NOT_FOUND", 'Model hf:acme/vision has no file "nope.onnx".']);
    expect(noRevision.code).toBe("REVISION_NOT_FOUND");
    for (const gated of [gatedFile, gatedList]) {
      expect(gated.code).toBe("GATED_MODEL");
      expect(gated.details).toMatchObject({ ref: "hf:acme/gated", accessUrl: `${setup.hub.url}/acme/gated` });
    }
    expect(setup.hub.requestsTo("cdn")).toEqual([]);
  });

  it("never sends the token anywhere but HF_ENDPOINT's host: not to the host the Hub's links name, not to the CDN", async () => {
    const { setup, hf } = await startWith({ HF_TOKEN: "hf_granted" }, { ignoreBlobs: true });
    const { revision, files } = await hf.listModelFiles(ref("acme/gated"), signal());
    const SEARCH = "query($after: String) { searchModels(first: 1, after: $after) { pageInfo { endCursor } } }";
    const page = await setup.gateway.graphql<{ searchModels: { pageInfo: { endCursor: string } } }>(SEARCH);
    await setup.gateway.graphql(SEARCH, { after: page.data?.searchModels.pageInfo.endCursor });
    const model = files.find((file) => file.path.endsWith(".onnx")) as ModelFile;
    const download = await hf.resolveDownload(ref("acme/gated", revision), model, signal());
    const body = await fetch(download.url, { headers: download.headers });

    expect(body.status).toBe(200);
    expect(download.headers).toEqual({ authorization: "Bearer hf_granted" });
    const hubPaths = setup.hub.requestsTo("hub").map((r) => r.path);
    expect(hubPaths).toEqual(
      expect.arrayContaining(["/api/models/acme/gated/auth-check", `/api/models/acme/gated/tree/${revision}`]),
    );
    expect(setup.hub.requestsTo("hub", "/api/models").filter((r) => r.query.has("cursor"))).toHaveLength(1);
    expect(setup.hub.requestsTo("hub").every((r) => r.authorization === "Bearer hf_granted")).toBe(true);
    expect(setup.hub.requestsTo("canonical")).toEqual([]);
    expect(setup.hub.requestsTo("cdn").length).toBeGreaterThan(0);
    expect(setup.hub.requestsTo("cdn").map((r) => r.authorization)).toEqual(
      setup.hub.requestsTo("cdn").map(() => null),
    );
  });

  it("does not follow an API redirect to another host, and says what happened", async () => {
    const { setup } = await startWith({ HF_TOKEN: "hf_granted" });
    setup.hub.failNext((r) => r.path === "/api/models/acme/vision", {
      status: 302,
      headers: { location: `${setup.hub.cdnUrl}/elsewhere` },
    });

    const { errors } = await setup.gateway.graphql('{ model(ref: "hf:acme/vision") { ref } }');

    expect(errors?.[0]?.extensions?.code).toBe("REGISTRY_UNAVAILABLE");
    expect(errors?.[0]?.message).toContain("HTTP 302");
    expect(setup.hub.requestsTo("cdn")).toEqual([]);
  });
});
