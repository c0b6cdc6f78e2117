/** Why a deadline's signal aborted: its time ran out, or the work it guards was cancelled. */
export class DeadlinePassed extends Error {
  override name = "TimeoutError";

  constructor(readonly ms: number) {
    super(`the deadline of ${ms} ms passed`);
  }
}

/**
 * A signal that aborts after `ms` with a DeadlinePassed reason, or as soon as `parent` aborts
 * (with the parent's reason). Written instead of `AbortSignal.any([parent,
 * AbortSignal.timeout(ms)])`: on Node 20 the timeout signal inside `any` is held only weakly and
 * can be garbage collected before it fires (nodejs/node#57736), leaving the call with no deadline.
 * Here the timer holds the controller, so the deadline fires whatever the collector does.
 */
export function deadline(ms: number, parent?: AbortSignal): AbortSignal {
  return deadlineScope(ms, parent).signal;
}

/**
 * deadline(), with `done()` to call once the guarded work has ended: it stops the timer and lets
 * go of the parent at once, instead of when the deadline would have passed. For hot paths that
 * make many short calls under long deadlines.
 */
export function deadlineScope(ms: number, parent?: AbortSignal): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, done: () => {} };
  }
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => controller.abort(new DeadlinePassed(ms)), ms);
  // The pending timer keeps the controller alive; it need not keep the process alive.
  timer.unref();
  const release = () => {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  };
  parent?.addEventListener("abort", onParentAbort, { once: true });
  controller.signal.addEventListener("abort", release, { once: true });
  return { signal: controller.signal, done: release };
}
