import type { Redis, RedisOptions } from "ioredis";
import type { DependencyHealth } from "../db/database-health.js";
import type { Logger } from "../logger.js";

/** Keys and channels of this gateway in a Redis that other software may share. */
export const REDIS_PREFIX = "model-gateway:";
/** How long start-up waits for Redis before serving without it (and saying so at /health). */
const CONNECT_WAIT_MS = 3_000;
/** A PING slower than this counts as Redis being down. */
const PING_TIMEOUT_MS = 1_000;
/** Any command (a rate-limit count, a lock) ends within this, even against a Redis that stopped answering. */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * The Redis connections of one replica: commands (rate limits, locks) fail at once while Redis is
 * down instead of queueing behind a reconnect, so a pull is refused promptly; publishing and
 * subscribing (progress events) use their own connections, as Redis requires of a subscriber.
 * ioredis reconnects by itself; subscriptions are renewed when it does.
 */
export class RedisConnection {
  private constructor(
    readonly commands: Redis,
    readonly publisher: Redis,
    readonly subscriber: Redis,
  ) {}

  /** Connects (ioredis imported here: the embedded default never loads it); a Redis that is down is waited for briefly, then left to reconnect. */
  static async open(url: string, logger: Logger): Promise<RedisConnection> {
    const { Redis } = await import("ioredis");
    let warned = false;
    const client = (name: string, options: RedisOptions) => {
      const redis = new Redis(url, {
        lazyConnect: true,
        connectionName: `model-gateway-${name}`,
        retryStrategy: (times) => Math.min(100 * times, 2_000),
        ...options,
      });
      // ioredis reports every failed reconnect; one warning until it is back is enough.
      redis.on("error", (err: Error) => {
        if (!warned) logger.warn({ err: { message: err.message } }, "Redis is unreachable; retrying");
        warned = true;
      });
      redis.on("ready", () => {
        if (warned) logger.info("Redis is reachable again");
        warned = false;
      });
      return redis;
    };
    const connection = new RedisConnection(
      client("commands", { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS }),
      client("publisher", { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS }),
      client("subscriber", { maxRetriesPerRequest: null }),
    );
    await Promise.all(
      [connection.commands, connection.publisher, connection.subscriber].map((redis) =>
        Promise.race([redis.connect(), new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS).unref())]).catch(
          () => undefined,
        ),
      ),
    );
    return connection;
  }

  /** Whether commands can be sent now (no round trip). */
  get ready(): boolean {
    return this.commands.status === "ready";
  }

  /** A real PING, for /health. */
  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    let error: string | null = null;
    if (!this.ready) error = `not connected (${this.commands.status}); the gateway keeps retrying`;
    else {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to PING within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      error = await Promise.race([this.commands.ping(), timeout]).then(
        () => null,
        (failure: Error) => failure.message,
      );
      clearTimeout(timer);
    }
    return { status: error === null ? "ok" : "unavailable", error, latencyMs: performance.now() - started };
  }

  async close(): Promise<void> {
    for (const redis of [this.commands, this.publisher, this.subscriber]) redis.disconnect();
  }
}
