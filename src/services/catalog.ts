import type { ModelStore, StoredModel } from "../db/model-store.js";
import { isUnreachable, RateLimited } from "../domain/errors.js";
import type { ModelInfo } from "../domain/model.js";
import type { ModelRef } from "../domain/model-ref.js";
import type { RegistrySet } from "../registries/registry-set.js";
import type { ModelManager } from "../registries/types.js";
import type { RegistryCalls } from "./registry-calls.js";

/** One model's info as the gateway serves it. */
export interface ModelLookup {
  info: ModelInfo;
  fetchedAt: Date;
  /** True when the registry could not be asked and the database's last copy is served. */
  stale: boolean;
}

/**
 * Reads model info from registries in batches (one call per registry), remembers every answer
 * in the database, and answers from the database when a registry is unreachable (flagged stale)
 * or when its copy is younger than the registry's cache TTL.
 */
export class Catalog {
  constructor(
    private readonly registries: RegistrySet,
    private readonly store: ModelStore,
    private readonly calls: RegistryCalls,
  ) {}

  /** One result per ref, in order: the model, or the Error that explains its absence. */
  async lookup(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelLookup | Error>> {
    const results: Array<ModelLookup | Error> = new Array(refs.length);
    const groups = new Map<ModelManager, number[]>();
    refs.forEach((ref, index) => {
      try {
        const manager = this.registries.get(ref.registry);
        groups.set(manager, [...(groups.get(manager) ?? []), index]);
      } catch (error) {
        results[index] = error as Error;
      }
    });
    await Promise.all(
      [...groups].map(async ([manager, indexes]) => {
        const answers = await this.lookupIn(
          manager,
          indexes.map((i) => refs[i] as ModelRef),
          signal,
        );
        indexes.forEach((refIndex, answerIndex) => {
          results[refIndex] = answers[answerIndex] as ModelLookup | Error;
        });
      }),
    );
    return results;
  }

  private async lookupIn(
    manager: ModelManager,
    refs: readonly ModelRef[],
    signal: AbortSignal,
  ): Promise<Array<ModelLookup | Error>> {
    const results: Array<ModelLookup | Error | undefined> = new Array(refs.length);
    const stored = manager.infoCacheTtlMs ? await this.store.find(refs) : new Map<number, StoredModel>();
    const freshAfter = Date.now() - (manager.infoCacheTtlMs ?? 0);
    for (const [index, copy] of stored) {
      if (copy.fetchedAt.getTime() >= freshAfter) results[index] = { ...copy, stale: false };
    }
    const missing = refs.map((_, index) => index).filter((index) => results[index] === undefined);
    if (missing.length === 0) return results as Array<ModelLookup | Error>;

    const asked = missing.map((index) => refs[index] as ModelRef);
    let answers: Array<ModelInfo | Error>;
    try {
      answers = await this.calls.run(manager, this.calls.deadline(signal), (deadline) =>
        manager.getModelInfos(asked, deadline),
      );
    } catch (error) {
      answers = asked.map(() => error as Error);
    }

    const fetchedAt = new Date();
    const found = answers.flatMap((answer, i) =>
      answer instanceof Error ? [] : [{ ref: asked[i] as ModelRef, info: answer }],
    );
    if (found.length > 0) await this.store.save(found, fetchedAt);

    const failedIndexes = missing.filter((_, i) => servesStale(answers[i]));
    const fallback = failedIndexes.length > 0 && !manager.infoCacheTtlMs ? await this.store.find(refs) : stored;
    missing.forEach((refIndex, i) => {
      const answer = answers[i] as ModelInfo | Error;
      const copy = fallback.get(refIndex);
      if (!(answer instanceof Error)) results[refIndex] = { info: answer, fetchedAt, stale: answer.stale === true };
      else if (copy && servesStale(answer)) results[refIndex] = { ...copy, stale: true };
      else results[refIndex] = answer;
    });
    return results as Array<ModelLookup | Error>;
  }
}

/** Failures after which the last stored copy is better than no answer. */
function servesStale(answer: unknown): boolean {
  return answer instanceof Error && (isUnreachable(answer) || answer instanceof RateLimited);
}
