import { readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FakeHubRepo } from "./helpers/fake-hub.js";
import { sha256 } from "./helpers/fake-pull-registry.js";
import { startHubGateway } from "./helpers/hub-gateway.js";
import { pullModel, pullToEnd } from "./helpers/pulls.js";

const GRAPH = Buffer.from("graph bytes ".repeat(5_000));
const REPOS: FakeHubRepo[] = [
  {
    id: "acme/vision",
    files: [
      { path: "README.md", content: "# Vision\n" },
      { path: "config.json", content: '{"model_type":"vit"}' },
      { path: "onnx/model.onnx", content: GRAPH.toString() },
    ],
  },
  { id: "acme/gated", gated: "manual", grantedTokens: ["hf_granted"] },
];

describe("pulling from the Hugging Face Hub registry", () => {
  it("follows the Hub's CDN redirects without the token, verifies the LFS sha256 and fills the cache", async () => {
    const setup = await startHubGateway({ repos: REPOS, tokens: ["hf_granted"] }, { HF_TOKEN: "hf_granted" });
    const { hub, gateway } = setup;

    const pull = await pullToEnd(gateway, "hf:acme/vision");

    const commit = hub.commitOf("acme/vision");
    expect(pull).toMatchObject({ status: "SUCCEEDED", resolvedRevision: commit });
    expect(pull.files.map((f) => [f.path, f.status, f.sha256])).toEqual([
      ["config.json", "VERIFIED", sha256(Buffer.from('{"model_type":"vit"}'))],
      ["onnx/model.onnx", "VERIFIED", sha256(GRAPH)],
    ]);
    const snapshot = join(gateway.dataDir, "cache", "models--hf--acme--vision", "snapshots", commit);
    expect(await readFile(join(snapshot, "onnx/model.onnx"))).toEqual(GRAPH);
    expect(await readlink(join(snapshot, "onnx/model.onnx"))).toBe(`../../../blobs/${sha256(GRAPH)}`);
    expect(hub.requestsTo("cdn").length).toBeGreaterThan(0);
    expect(hub.requestsTo("cdn").every((r) => r.authorization === null)).toBe(true);
    expect(hub.requestsTo("hub", "/acme/vision/resolve/").every((r) => r.authorization === "Bearer hf_granted")).toBe(
      true,
    );
  });

  it("answers a gated model the token has no access to with GATED_MODEL before anything is written", async () => {
    const setup = await startHubGateway({ repos: REPOS, tokens: ["hf_other"] }, { HF_TOKEN: "hf_other" });

    const result = await pullModel(setup.gateway, "hf:acme/gated");

    expect(result).toMatchObject({ __typename: "GatewayError", code: "GATED_MODEL" });
    expect(setup.hub.requestsTo("cdn")).toEqual([]);
  });
});
