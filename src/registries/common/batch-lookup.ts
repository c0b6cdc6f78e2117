import pLimit from "p-limit";
import { GatewayError, isUnreachable } from "../../domain/errors.js";
import type { ModelRef } from "../../domain/model-ref.js";

/**
 * A batch of model lookups, `concurrency` at a time: one result per ref, in order, the
 * GatewayError where one fails. Once one lookup finds the registry itself unreachable (it does
 * not resolve, refuses connections, times out), the lookups still waiting fail at once with the
 * same error, so 100 references to a registry that is down cost one failure, not a hundred.
 */
export function lookUpEach<T>(
  refs: readonly ModelRef[],
  concurrency: number,
  lookUp: (ref: ModelRef) => Promise<T>,
): Promise<Array<T | GatewayError>> {
  const limit = pLimit(concurrency);
  let down: GatewayError | null = null;
  return Promise.all(
    refs.map((ref) =>
      limit(async () => {
        if (down) return down;
        try {
          return await lookUp(ref);
        } catch (error) {
          if (!(error instanceof GatewayError)) throw error;
          if (isUnreachable(error)) down ??= error;
          return error;
        }
      }),
    ),
  );
}
