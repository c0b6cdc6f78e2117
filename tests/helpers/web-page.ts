import type { Page } from "playwright-core";
import { expect } from "vitest";
import { offMachine, type RecordedPage } from "./browser.js";

/** The model references the result cards are headed by, in order. */
export function cardRefs(page: Page): Promise<string[]> {
  return page.locator("article h2").allTextContents();
}

/** Waits until the cards are exactly these references (searches settle after a debounce and a request). */
export async function expectCards(page: Page, refs: string[]): Promise<void> {
  await expect.poll(() => cardRefs(page), { timeout: 10_000 }).toEqual(refs);
}

/** Waits until the first page of results is painted and no search is on its way. */
export async function settled(page: Page): Promise<void> {
  await page.locator(".results[aria-busy='false']").waitFor();
  await page.locator("article").first().waitFor();
}

/**
 * What every browser test ends with: the page hit no script error, console error or CSP
 * violation, and every request it made went to the gateway it was opened on.
 */
export function expectCleanRun(recorded: RecordedPage, gatewayUrl: string): void {
  expect(recorded.problems).toEqual([]);
  expect(offMachine(recorded.requests)).toEqual([]);
  const origin = new URL(gatewayUrl).origin;
  expect(recorded.requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
}
