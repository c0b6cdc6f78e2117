import { z } from "zod";
import { type DatabaseProvider, databaseProvider } from "../db/database-url.js";
import { boolean, httpUrl, integer, optionalText } from "./env-values.js";

/**
 * The variables that turn the embedded gateway (SQLite, a local cache folder, one process) into
 * one of N replicas: PostgreSQL, Redis and an S3-compatible store, each chosen by its variable.
 */
export const deploymentEnvironment = {
  /** `file:<path>` (SQLite) or `postgresql://…`; unset: `file:<DATA_DIR>/gateway.db`. */
  DATABASE_URL: z
    .string()
    .refine((value) => databaseProvider(value) !== null, {
      error: "must be a file: URL (SQLite) or a postgresql:// URL",
    })
    .optional(),
  /** Redis for subscriptions, shared rate limits and cross-replica locks; unset: all in-process. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/./, { error: "must be a redis:// or rediss:// URL" })
    .optional(),
  /** `s3://bucket[/prefix]`: the shared model store; unset: the local folder CACHE_DIR. */
  CACHE_STORE: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, {
      error: "must be s3://<bucket>[/<prefix>] (leave it unset for the local folder CACHE_DIR)",
    })
    .optional(),
  S3_ENDPOINT: httpUrl().optional(),
  S3_FORCE_PATH_STYLE: boolean(false),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  AWS_ACCESS_KEY_ID: optionalText(),
  AWS_SECRET_ACCESS_KEY: optionalText(),
  /** With an S3 store: the most bytes of blobs this replica keeps on its own disk (LRU). */
  CACHE_LOCAL_MAX_BYTES: integer(1024 * 1024, Number.MAX_SAFE_INTEGER, 10 * 2 ** 30),
  /** With an S3 store: a download in progress is copied to the bucket every this many bytes. */
  CACHE_CHECKPOINT_BYTES: integer(64 * 1024, 2 ** 40, 64 * 2 ** 20),
};

/** Variables whose values never appear in configuration errors (URLs may carry passwords). */
export const DEPLOYMENT_SECRETS = ["DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY"];

type DeploymentVariables = z.infer<z.ZodObject<typeof deploymentEnvironment>>;

/** Where models are stored: the local folder, or a bucket every replica shares. */
export type StoreConfig =
  | { readonly kind: "local-folder" }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      /** Key prefix inside the bucket, "" or ending with "/". */
      readonly prefix: string;
      readonly endpoint: string | null;
      readonly region: string;
      readonly forcePathStyle: boolean;
      /** Both null: the AWS SDK's own credential chain (instance roles, profiles). */
      readonly accessKeyId: string | null;
      readonly secretAccessKey: string | null;
      /** The most bytes of blobs kept on this replica's disk for inference. */
      readonly localMaxBytes: number;
      /** A download in progress is checkpointed to the bucket every this many bytes. */
      readonly checkpointBytes: number;
    };

export interface DeploymentConfig {
  readonly database: { readonly provider: DatabaseProvider; readonly url: string };
  readonly redis: { readonly url: string } | null;
  readonly store: StoreConfig;
}

/** The typed deployment settings; `defaultDatabaseUrl` is the SQLite file under DATA_DIR. */
export function deploymentConfig(e: DeploymentVariables, defaultDatabaseUrl: string): DeploymentConfig {
  const url = e.DATABASE_URL ?? defaultDatabaseUrl;
  const store = e.CACHE_STORE ? new URL(e.CACHE_STORE) : null;
  const prefix = store?.pathname.replace(/^\/+/, "").replace(/\/*$/, "/").replace(/^\/$/, "") ?? "";
  return {
    database: { provider: databaseProvider(url) as DatabaseProvider, url },
    redis: e.REDIS_URL ? { url: e.REDIS_URL } : null,
    store: store
      ? {
          kind: "s3",
          bucket: store.hostname,
          prefix,
          endpoint: e.S3_ENDPOINT ?? null,
          region: e.AWS_REGION,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
          accessKeyId: e.AWS_ACCESS_KEY_ID,
          secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
          localMaxBytes: e.CACHE_LOCAL_MAX_BYTES,
          checkpointBytes: e.CACHE_CHECKPOINT_BYTES,
        }
      : { kind: "local-folder" },
  };
}
