import { onTestFinished, TestRunner } from "vitest";

/**
 * Makes `close` idempotent and, when called while a test runs (its body or a beforeEach), runs it
 * when that test finishes. Started elsewhere (beforeAll, a module), the caller closes it.
 */
export function closeWhenTestEnds(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  const once = () => {
    closing ??= close();
    return closing;
  };
  if (TestRunner.getCurrentTest()) onTestFinished(once);
  return once;
}
