import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dockerRegistryInstalled, needsDockerRegistry, opensslInstalled } from "./helpers/docker-registry.js";
import { ollamaModel, onnxArtifact } from "./helpers/oci-models.js";
import { type OciSetup, startGatewayWith, startOciSetup } from "./helpers/oci-setup.js";
import { pullToEnd } from "./helpers/pulls.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref format revision files { path } } }`;
const SEARCH = `query { searchModels(registries: ["hub"], first: 10) {
  edges { node { ref } }
  failures { registry code message }
} }`;

const BASIC = `Basic ${Buffer.from("alice:s3cret").toString("base64")}`;

let setup: OciSetup;

describe.skipIf(!dockerRegistryInstalled() || !opensslInstalled())(
  needsDockerRegistry("an OCI registry with token authentication", true),
  () => {
    beforeAll(async () => {
      setup = await startOciSetup({
        secured: { users: { alice: "s3cret" }, publicRepositories: ["library/tinyllama"] },
      });
      await setup.pusher.pushImage("library/tinyllama", "1b", ollamaModel());
      await setup.pusher.pushImage("private/secret-model", "v1", onnxArtifact());
    });
    afterAll(() => setup?.close());
    afterEach(async () => {
      setup.proxy.reset();
      if (setup.tokens) setup.tokens.expiresInSeconds = 300;
    });

    /** An instance of registry:2 behind the proxy; with credentials read from OCI_USER and OCI_PASSWORD. */
    const hub = (credentials: { password: string } | null) =>
      startGatewayWith(
        [
          {
            name: "hub",
            kind: "oci",
            endpoint: setup.proxy.url,
            ...(credentials && { credentials: { username: "OCI_USER", password: "OCI_PASSWORD" } }),
            settings: { cacheTtlSeconds: 0, retryBackoffMs: 5 },
          },
        ],
        { REGISTRIES: "local,hub", OCI_USER: "alice", OCI_PASSWORD: credentials?.password ?? "unused" },
      );
    const tokenRequests = () => setup.tokens?.requests ?? [];

    it("gets an anonymous token from the challenge's realm for a public repository, and sends the registry only that bearer", async () => {
      const gateway = await hub(null);
      const seen = { proxy: setup.proxy.requests.length, tokens: tokenRequests().length };

      const { data, errors } = await gateway.graphql(MODEL, { ref: "hub:library/tinyllama@1b" });

      expect(errors).toBeUndefined();
      expect(data?.model).toMatchObject({ format: "GGUF" });
      expect(tokenRequests().slice(seen.tokens)).toEqual([
        { authorization: null, service: "test-registry", scopes: ["repository:library/tinyllama:pull"] },
      ]);
      const sent = setup.proxy.requests.slice(seen.proxy).map((request) => request.authorization);
      expect(sent[0]).toBeNull(); // the first request is challenged
      expect(sent.slice(1).every((authorization) => authorization?.startsWith("Bearer ey"))).toBe(true);
    });

    it("sends the configured username and password to the token service only, and reads private repositories and the catalog with its tokens", async () => {
      const gateway = await hub({ password: "s3cret" });
      const seen = { proxy: setup.proxy.requests.length, tokens: tokenRequests().length };

      const model = await gateway.graphql(MODEL, { ref: "hub:private/secret-model@v1" });
      const search = await gateway.graphql<{ searchModels: { edges: Array<{ node: { ref: string } }> } }>(SEARCH);

      expect(model.data?.model).toMatchObject({ format: "ONNX" });
      expect(search.data?.searchModels.edges.map((edge) => edge.node.ref).sort()).toEqual([
        "hub:library/tinyllama@1b",
        "hub:private/secret-model@v1",
      ]);
      const tokens = tokenRequests().slice(seen.tokens);
      expect(tokens.every((request) => request.authorization === BASIC)).toBe(true);
      expect(tokens.flatMap((request) => request.scopes)).toContain("registry:catalog:*");
      const registryAuth = setup.proxy.requests.slice(seen.proxy).map((request) => request.authorization);
      expect(registryAuth.some((authorization) => authorization?.startsWith("Basic"))).toBe(false);
    });

    it("keeps each scope's token for its lifetime, and asks again once it has expired", async () => {
      let gateway = await hub(null);
      const scoped = () =>
        tokenRequests().filter((request) => request.scopes.includes("repository:library/tinyllama:pull")).length;
      const before = scoped();

      for (let i = 0; i < 3; i++) await gateway.graphql(MODEL, { ref: "hub:library/tinyllama@1b" });
      const whileValid = scoped() - before;
      await gateway.close();
      // A token that expires at once still answers the request it was fetched for, and no other.
      (setup.tokens as NonNullable<typeof setup.tokens>).expiresInSeconds = 0;
      gateway = await hub(null);
      const first = await gateway.graphql(MODEL, { ref: "hub:library/tinyllama@1b" });
      const afterFirst = scoped();
      const second = await gateway.graphql(MODEL, { ref: "hub:library/tinyllama@1b" });

      expect(whileValid).toBe(1);
      expect([first.errors, second.errors]).toEqual([undefined, undefined]);
      expect(scoped()).toBeGreaterThan(afterFirst);
    });

    it("answers AUTHENTICATION_REQUIRED for a private repository without credentials, ACCESS_DENIED for refused ones", async () => {
      let gateway = await hub(null);
      const anonymous = await gateway.graphql(MODEL, { ref: "hub:private/secret-model@v1" });
      await gateway.close();
      gateway = await hub({ password: "wrong" });
      const refused = await gateway.graphql(MODEL, { ref: "hub:private/secret-model@v1" });

      expect(anonymous.errors?.[0]).toMatchObject({
        message: expect.stringContaining("set the variables REGISTRIES_FILE names as credentials of hub"),
        extensions: { code: "AUTHENTICATION_REQUIRED", registry: "hub" },
      });
      expect(refused.errors?.[0]).toMatchObject({
        message: expect.stringContaining("Registry hub's token service refused the configured credentials"),
        extensions: { code: "ACCESS_DENIED", registry: "hub" },
      });
    });

    it("follows blob redirects to another host with neither the registry's bearer nor the token service's credentials", async () => {
      const gateway = await hub({ password: "s3cret" });
      setup.proxy.redirectBlobsTo(setup.blobHost);
      const seen = { proxy: setup.proxy.requests.length, blobs: setup.blobHost.requests.length };

      const pull = await pullToEnd(gateway, "hub:private/secret-model@v1");
      // The gateway's own reads follow the redirect the same way: an Ollama config blob, for its facts.
      const info = await gateway.graphql(`{ model(ref: "hub:library/tinyllama@1b") { languageModel { family } } }`);

      expect(pull).toMatchObject({ status: "SUCCEEDED" });
      expect(info.data?.model).toEqual({ languageModel: { family: "llama" } });
      const blobHostRequests = setup.blobHost.requests.slice(seen.blobs);
      // model.onnx and labels.json (ORAS's empty config is not read), then tinyllama's config.
      expect(blobHostRequests.length).toBe(3);
      expect(blobHostRequests.every((request) => request.authorization === null)).toBe(true);
      const redirected = setup.proxy.requests.slice(seen.proxy).filter((request) => request.path.includes("/blobs/"));
      expect(redirected.length).toBe(3);
      expect(redirected.every((request) => request.authorization?.startsWith("Bearer ey"))).toBe(true);
    });
  },
);
