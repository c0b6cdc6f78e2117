import { setTimeout as sleep } from "node:timers/promises";
import { DependencyUnavailable } from "../domain/errors.js";
import { claimOwner, formatOwner, isGone, OWNER_LEASE_MS, parseOwner } from "../process-owner.js";
import type { LockName, Locks, Release } from "./locks.js";
import { REDIS_PREFIX, type RedisConnection } from "./redis-connection.js";

const POLL_MS = 250;
/** Extends the lease only while the key still holds our token (a lock lost meanwhile stays lost). */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the key only while it holds the given value (our token, or a dead holder's). */
const DELETE_IF = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Locks shared by every replica on one Redis: `SET key owner NX PX lease`, renewed a third of the
 * lease at a time, deleted on release only if still ours. The value names the holder (host, pid,
 * token) as lock files do, so a holder that died on the waiter's own host is taken over at once;
 * one on another host is known dead only by its lease running out (OWNER_LEASE_MS).
 */
export class RedisLocks implements Locks {
  constructor(
    private readonly redis: RedisConnection,
    private readonly leaseMs = OWNER_LEASE_MS,
  ) {}

  async acquire(name: LockName, signal: AbortSignal): Promise<Release> {
    const key = `${REDIS_PREFIX}lock:${name.key}`;
    for (;;) {
      signal.throwIfAborted();
      const me = claimOwner();
      const value = formatOwner(me);
      const taken = await this.command(() => this.redis.commands.set(key, value, "PX", this.leaseMs, "NX"));
      if (taken === "OK") return this.held(key, value, () => me.release());
      me.release();
      const holder = await this.command(() => this.redis.commands.get(key));
      const owner = parseOwner(holder);
      if (holder !== null && owner !== null && isGone(owner)) {
        await this.command(() => this.redis.commands.eval(DELETE_IF, 1, key, holder));
        continue;
      }
      if (holder === null) continue; // released since
      await sleep(POLL_MS, undefined, { signal });
    }
  }

  private held(key: string, value: string, forget: () => void): Release {
    const renewal = setInterval(() => {
      this.redis.commands.eval(RENEW, 1, key, value, String(this.leaseMs)).catch(() => undefined);
    }, this.leaseMs / 3);
    renewal.unref();
    return async () => {
      clearInterval(renewal);
      forget();
      // A Redis that is down lets the lease run out instead.
      await this.redis.commands.eval(DELETE_IF, 1, key, value).catch(() => undefined);
    };
  }

  private async command<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new DependencyUnavailable("Redis", (error as Error).message, { cause: error });
    }
  }
}
