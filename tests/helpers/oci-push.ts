import { createHash } from "node:crypto";

/**
 * Pushes models to a registry over the OCI Distribution API, as ORAS and Ollama do: each blob is a
 * monolithic upload (POST /v2/<name>/blobs/uploads/, then PUT <location>?digest=…), then the
 * manifest is PUT under its tag.
 */

export interface PushedLayer {
  mediaType: string;
  bytes: Buffer;
  annotations?: Record<string, string>;
}

export interface ImageSpec {
  /** application/vnd.oci.image.manifest.v1+json (default) or Docker's manifest v2. */
  mediaType?: string;
  artifactType?: string;
  config: { mediaType: string; bytes: Buffer };
  layers: PushedLayer[];
  annotations?: Record<string, string>;
}

export interface Pushed {
  /** `sha256:<hex>` of the manifest's bytes. */
  digest: string;
  manifest: Buffer;
}

export const digestOf = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export class OciPusher {
  /** `token`: a bearer token with push access, for a registry with token authentication. */
  constructor(
    private readonly registryUrl: string,
    private readonly token: string | null = null,
  ) {}

  async pushBlob(repository: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
    const started = await this.send(`/v2/${repository}/blobs/uploads/`, { method: "POST" }, 202);
    const location = new URL(started.headers.get("location") as string, this.registryUrl);
    location.searchParams.set("digest", digestOf(bytes));
    await this.send(
      location.pathname + location.search,
      { method: "PUT", body: new Uint8Array(bytes), headers: { "content-type": "application/octet-stream" } },
      201,
    );
    return { digest: digestOf(bytes), size: bytes.length };
  }

  async pushManifest(repository: string, tag: string, manifest: Buffer, mediaType: string): Promise<Pushed> {
    await this.send(
      `/v2/${repository}/manifests/${tag}`,
      { method: "PUT", body: new Uint8Array(manifest), headers: { "content-type": mediaType } },
      201,
    );
    return { digest: digestOf(manifest), manifest };
  }

  /** Pushes the config and layer blobs, then the manifest naming them. */
  async pushImage(repository: string, tag: string, spec: ImageSpec): Promise<Pushed> {
    const mediaType = spec.mediaType ?? "application/vnd.oci.image.manifest.v1+json";
    const config = { mediaType: spec.config.mediaType, ...(await this.pushBlob(repository, spec.config.bytes)) };
    const layers = [];
    for (const layer of spec.layers) {
      const { digest, size } = await this.pushBlob(repository, layer.bytes);
      layers.push({
        mediaType: layer.mediaType,
        digest,
        size,
        ...(layer.annotations && { annotations: layer.annotations }),
      });
    }
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        ...(spec.artifactType && { artifactType: spec.artifactType }),
        config,
        layers,
        ...(spec.annotations && { annotations: spec.annotations }),
      }),
    );
    return this.pushManifest(repository, tag, manifest, mediaType);
  }

  private async send(path: string, init: RequestInit, expected: number): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set("authorization", `Bearer ${this.token}`);
    const response = await fetch(this.registryUrl + path, { ...init, headers });
    if (response.status !== expected) {
      throw new Error(`${init.method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    await response.body?.cancel();
    return response;
  }
}
