import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchBrowser, NO_BROWSER, openPage } from "./helpers/browser.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";
import { expectCards, expectCleanRun } from "./helpers/web-page.js";

if (!CHROMIUM) console.warn(NO_BROWSER);

const READ_KEY = "k-web-read-3f9a7c1e2b4d5a60";
const KEY_ITEM = "model-gateway.api-key";

let browser: Browser;
let gateway: TestApp;
beforeAll(async () => {
  if (!CHROMIUM) return;
  [browser, gateway] = await Promise.all([
    launchBrowser(),
    startTestApp({ http: true, env: { GATEWAY_API_KEYS: `${READ_KEY}=read` } }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!CHROMIUM)("the model browser on a gateway with API keys", () => {
  it("asks for a key when the API refuses it, again when the key is wrong, and keeps the right one for the tab", async () => {
    const recorded = await openPage(browser);
    const { page } = recorded;
    await page.goto(`${gateway.url}/`);

    const prompt = page.getByRole("dialog", { name: "API key needed" });
    await prompt.waitFor();
    expect(await prompt.innerText()).toContain("needs an API key");
    await recorded.screenshot("key-prompt");
    await page.getByLabel("API key", { exact: true }).fill("k-wrong-0000000000000000");
    await page.getByRole("button", { name: "Use this key" }).click();
    await expect.poll(() => prompt.innerText()).toContain("did not accept");

    await page.getByLabel("API key", { exact: true }).fill(READ_KEY);
    await page.getByRole("button", { name: "Use this key" }).click();
    await expectCards(page, ["local:mlp-classifier", "local:pair-classifier"]);
    expect(await prompt.isVisible()).toBe(false);
    expect(await page.evaluate((item) => sessionStorage.getItem(item), KEY_ITEM)).toBe(READ_KEY);
    expect(await page.evaluate((item) => localStorage.getItem(item), KEY_ITEM)).toBeNull();

    // Kept for the tab: a reload needs no prompt.
    await page.reload();
    await expectCards(page, ["local:mlp-classifier", "local:pair-classifier"]);
    expect(await prompt.isVisible()).toBe(false);

    // Forgotten on request: the next request asks again.
    await page.getByRole("button", { name: "Forget API key" }).click();
    await prompt.waitFor();
    expectCleanRun(recorded, gateway.url);
  });

  it("says a key lacks the scope a pull needs, without losing the page", async () => {
    const recorded = await openPage(browser);
    const { page } = recorded;
    await page.goto(`${gateway.url}/`);
    await page.getByLabel("API key", { exact: true }).fill(READ_KEY);
    await page.getByRole("button", { name: "Use this key" }).click();
    await page.getByRole("link", { name: "local:mlp-classifier" }).click();

    await page.getByRole("button", { name: "Pull again" }).click();
    const status = page.locator(".pull-status");
    await expect.poll(() => status.innerText()).toContain("FORBIDDEN");
    expect(await page.getByRole("dialog", { name: "API key needed" }).isVisible()).toBe(false);
    expect(await page.getByRole("table", { name: "Files" }).isVisible()).toBe(true);
    expectCleanRun(recorded, gateway.url);
  });
});
