import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DockerRegistry, startDockerRegistry } from "./docker-registry.js";
import { BlobHost, FrontProxy } from "./oci-front-proxy.js";
import { OciPusher } from "./oci-push.js";
import { TokenService, type TokenServiceOptions } from "./oci-token-service.js";
import { startTestApp, type TestApp } from "./test-app.js";

/** A real registry:2 (with a token service when `secured`), the front proxy before it, and a pusher. */
export interface OciSetup {
  registry: DockerRegistry;
  proxy: FrontProxy;
  tokens: TokenService | null;
  pusher: OciPusher;
  /** Blob storage on another origin, for the proxy's redirects. */
  blobHost: BlobHost;
  close(): Promise<void>;
}

export async function startOciSetup(options: { secured?: TokenServiceOptions } = {}): Promise<OciSetup> {
  const tokens = options.secured ? await TokenService.start(options.secured) : null;
  const registry = await startDockerRegistry(tokens ? { auth: tokens.registryAuth() } : {});
  const proxy = await FrontProxy.start(registry.url);
  const blobHost = await BlobHost.start(registry.url, (repository) =>
    tokens ? tokens.mint([{ type: "repository", name: repository, actions: ["pull"] }]) : null,
  );
  return {
    registry,
    proxy,
    tokens,
    blobHost,
    pusher: tokens ? new SecuredPusher(registry.url, tokens) : new OciPusher(registry.url),
    async close() {
      await proxy.close();
      await blobHost.close();
      await registry.stop();
      await tokens?.close();
    },
  };
}

/** Pushes with a token minted for each repository's push scope. */
class SecuredPusher extends OciPusher {
  constructor(
    private readonly url: string,
    private readonly tokens: TokenService,
  ) {
    super(url);
  }

  override async pushImage(...args: Parameters<OciPusher["pushImage"]>) {
    return this.for(args[0]).pushImage(...args);
  }

  override async pushManifest(...args: Parameters<OciPusher["pushManifest"]>) {
    return this.for(args[0]).pushManifest(...args);
  }

  override async pushBlob(...args: Parameters<OciPusher["pushBlob"]>) {
    return this.for(args[0]).pushBlob(...args);
  }

  private for(repository: string): OciPusher {
    return new OciPusher(
      this.url,
      this.tokens.mint([{ type: "repository", name: repository, actions: ["pull", "push"] }]),
    );
  }
}

/** Writes a REGISTRIES_FILE (JSON is YAML too) and starts a gateway with it; the file goes with the gateway. */
export async function startGatewayWith(
  registries: object[] | null,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "oci-registries-"));
  const file = join(dir, "registries.json");
  if (registries) await writeFile(file, JSON.stringify({ registries }));
  return startTestApp({
    env: { ...(registries && { REGISTRIES_FILE: file }), ...env },
    onClose: () => rm(dir, { recursive: true, force: true }),
  });
}
