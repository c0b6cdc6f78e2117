import { createPubSub, type PubSub } from "graphql-yoga";
import type { PullProgress } from "../domain/pull-status.js";
import { REDIS_PREFIX, type RedisConnection } from "./redis-connection.js";

type Topics = { [topic: string]: [string, PullProgress] };
const TOPIC = `${REDIS_PREFIX}pull-progress`;

/**
 * Where pulls' progress events travel from the process running a pull to every subscription to
 * it: within the process by default, through Redis pub/sub when replicas share one, so a client
 * on one replica follows a pull another runs as live as that one's own clients do.
 */
export class ProgressBus {
  private constructor(
    private readonly pubsub: PubSub<Topics>,
    /** Sees each event published here (the delivery benchmark times them). */
    private readonly onPublish: (progress: PullProgress) => void = () => undefined,
  ) {}

  static local(onPublish?: (progress: PullProgress) => void): ProgressBus {
    return new ProgressBus(createPubSub<Topics>(), onPublish);
  }

  /** graphql-yoga's Redis event target (ioredis imported lazily with it). */
  static async redis(redis: RedisConnection, onPublish?: (progress: PullProgress) => void): Promise<ProgressBus> {
    const { createRedisEventTarget } = await import("@graphql-yoga/redis-event-target");
    const eventTarget = createRedisEventTarget<CustomEvent>({
      publishClient: redis.publisher,
      subscribeClient: redis.subscriber,
    });
    return new ProgressBus(createPubSub<Topics>({ eventTarget }), onPublish);
  }

  /** Sends an event to the pull's subscribers, wherever they are; a bus that is down drops it (subscribers also poll). */
  publish(progress: PullProgress): void {
    this.onPublish(progress);
    try {
      this.pubsub.publish(TOPIC, progress.pullId, progress);
    } catch {
      // ioredis rejects a publish while disconnected; the subscribers' database poll covers the gap.
    }
  }

  /** The pull's events from now on, until `return()` is called on the iterator. */
  subscribe(pullId: string): AsyncIterableIterator<PullProgress> {
    return this.pubsub.subscribe(TOPIC, pullId) as unknown as AsyncIterableIterator<PullProgress>;
  }
}
