import type { StoreConfig } from "../config/deployment.js";
import { CacheStore } from "./cache-store.js";
import { S3CacheStore } from "./s3-cache-store.js";
import { S3Objects } from "./s3-objects.js";

/**
 * The model store CACHE_STORE names: the local folder CACHE_DIR (the embedded default), or an
 * S3-compatible bucket the replicas share, with CACHE_DIR as this replica's bounded local copy.
 */
export async function openCacheStore(store: StoreConfig, cacheDir: string): Promise<CacheStore> {
  if (store.kind === "local-folder") return new CacheStore(cacheDir);
  return new S3CacheStore(cacheDir, await S3Objects.open(store), store.localMaxBytes, store.checkpointBytes);
}
