import type { PullProgress } from "../domain/pull-status.js";
import type { Logger } from "../logger.js";
import { FileLocks } from "./file-locks.js";
import type { Locks } from "./locks.js";
import { ProgressBus } from "./progress-bus.js";
import { RedisConnection } from "./redis-connection.js";
import { RedisLocks } from "./redis-locks.js";

/** How the processes running the gateway coordinate: locks and progress events, in-process or through Redis. */
export interface Coordination {
  /** null without REDIS_URL. */
  redis: RedisConnection | null;
  locks: Locks;
  bus: ProgressBus;
  close(): Promise<void>;
}

/**
 * Without REDIS_URL: lock files on the cache folder and progress events within the process (the
 * embedded default, which also serves several processes on one host and folder). With it: Redis
 * locks and Redis pub/sub, shared by every replica.
 */
export async function openCoordination(
  redisUrl: string | null,
  logger: Logger,
  onPublish?: (progress: PullProgress) => void,
): Promise<Coordination> {
  if (redisUrl === null) {
    return { redis: null, locks: new FileLocks(), bus: ProgressBus.local(onPublish), close: async () => undefined };
  }
  const redis = await RedisConnection.open(redisUrl, logger);
  const bus = await ProgressBus.redis(redis, onPublish);
  return { redis, locks: new RedisLocks(redis), bus, close: () => redis.close() };
}
