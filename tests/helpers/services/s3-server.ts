import { mkdtemp, rm } from "node:fs/promises";

import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export const TEST_BUCKET = "models";

export interface S3Server {
  endpoint: string;
  /** The variables a gateway needs to use this server's bucket as its store, under `prefix`. */
  env(prefix: string): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * An S3-compatible server (s3rver, from npm: it runs offline) on a free port over a temporary
 * folder, with one bucket. It wants path-style URLs and accepts any credentials.
 */
export async function startS3(): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: TEST_BUCKET, configs: [] }],
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    env: (prefix) => ({
      CACHE_STORE: `s3://${TEST_BUCKET}/${prefix}`,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: "true",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
    }),
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
