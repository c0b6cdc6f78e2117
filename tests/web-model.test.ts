import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, NO_BROWSER, openPage } from "./helpers/browser.js";
import { sha256 } from "./helpers/fake-pull-registry.js";
import { browserAndGateway, hubClassifier } from "./helpers/web-gateway.js";
import { expectCleanRun, settled } from "./helpers/web-page.js";
import { REAL_ENTRIES } from "./helpers/zoo-manifest-server.js";

if (!CHROMIUM) console.warn(NO_BROWSER);

const web = browserAndGateway();

/** Records every value the progress bar takes, in the page, from the first one on. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const values: number[] = [];
    Object.assign(window, { progressValues: values });
    new MutationObserver(() => {
      const value = document.querySelector("[role=progressbar]")?.getAttribute("aria-valuenow");
      if (value !== null && value !== undefined && Number(value) !== values.at(-1)) values.push(Number(value));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

const progressValues = (page: Page) =>
  page.evaluate(() => (window as unknown as { progressValues: number[] }).progressValues);
const progressNow = async (page: Page) =>
  Number((await page.getByRole("progressbar").getAttribute("aria-valuenow")) ?? -1);

describe.skipIf(!CHROMIUM)("a model's page", () => {
  it("opens from a search card with its facts, revisions, files with sha256 and the signature as a table", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/?q=mnist&registries=onnx-zoo`);
    await settled(page);

    await page.getByRole("link", { name: "onnx-zoo:MNIST", exact: true }).click();
    await page.waitForURL(`${web.url}/models/onnx-zoo:MNIST`);
    await page.getByRole("heading", { name: "Signature" }).waitFor();

    const entry = REAL_ENTRIES.find((e) => e.model === "MNIST" && e.opset_version === 8);
    const files = page.getByRole("table", { name: "Files" });
    expect(await files.innerText()).toContain(entry?.metadata.model_sha.toLowerCase());
    const signature = await page.getByRole("table", { name: "Tensor signature" }).innerText();
    expect(signature).toMatch(/input\s+Input3\s+FLOAT32\s+\[1, 1, 28, 28\]/);
    expect(signature).toMatch(/output\s+Plus214_Output_0\s+FLOAT32\s+\[1, 10\]/);
    expect(await page.locator(".overview").innerText()).toMatch(/Opset\s+8/);
    expect(await page.locator(".badges").getByText("not cached", { exact: true }).count()).toBe(1);
    const revisions = page.getByLabel("Revision");
    expect(await revisions.locator("option").allTextContents()).toEqual(["Default (8)", "1", "7", "8"]);
    await recorded.screenshot("details");

    await revisions.selectOption("1");
    await page.waitForURL(`${web.url}/models/onnx-zoo:MNIST@1`);
    await page.getByRole("heading", { name: "onnx-zoo:MNIST@1" }).waitFor();
    await expect.poll(() => page.locator(".overview").innerText()).toMatch(/Opset\s+1\b/);
    await page.goBack();
    await page.goBack();
    await page.waitForURL(`${web.url}/?q=mnist&registries=onnx-zoo`);
    await settled(page);
    expect(await page.getByLabel("Search models").inputValue()).toBe("mnist");
    expectCleanRun(recorded, web.url);
  });

  it("pulls a model from the Hub with a progress bar that climbs to 100 %, then shows it cached with its signature", async () => {
    web.setup.hub.cdnPace = { chunkBytes: 16_384, pauseMs: 40 };
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/models/hf:acme/vit-classifier`);
    await page.getByRole("button", { name: "Pull", exact: true }).waitFor();
    expect(await page.getByRole("table", { name: "Tensor signature" }).count()).toBe(0);
    await recordProgress(page);

    await page.getByRole("button", { name: "Pull", exact: true }).click();
    await expect.poll(() => progressNow(page), { timeout: 10_000 }).toBeGreaterThan(20);
    await recorded.screenshot("pull-progress");
    expect(await page.getByRole("progressbar").getAttribute("aria-valuetext")).toMatch(/%, .*\/s, .* left$/);
    await page.getByText("Pull succeeded").waitFor({ timeout: 20_000 });

    const values = await progressValues(page);
    expect(values.at(-1)).toBe(100);
    expect(values.some((value) => value > 0 && value < 100)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    await page.getByText("cached", { exact: true }).waitFor();
    const signature = page.getByRole("table", { name: "Tensor signature" });
    await signature.waitFor();
    expect(await signature.innerText()).toMatch(/pixel_values\s+FLOAT32\s+\[batch, 256\]/);
    expect(await page.getByRole("table", { name: "Recent pulls" }).innerText()).toContain("succeeded");
    expect(await page.getByRole("table", { name: "Files" }).innerText()).toContain(
      sha256(Buffer.from(hubClassifier(1000, 7))),
    );
    await recorded.screenshot("pull-done");
    expectCleanRun(recorded, web.url);
  });

  it("finds a running pull again after a reload, and cancels it", async () => {
    web.setup.hub.cdnPace = { chunkBytes: 16_384, pauseMs: 40 };
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/models/hf:acme/big-classifier`);
    await page.getByRole("button", { name: "Pull", exact: true }).click();
    await expect.poll(() => progressNow(page), { timeout: 10_000 }).toBeGreaterThan(0);
    const before = await progressNow(page);

    await page.reload();
    await expect.poll(() => progressNow(page), { timeout: 10_000 }).toBeGreaterThan(before);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByText("Pull cancelled").waitFor({ timeout: 10_000 });

    const { data } = await web.setup.gateway.graphql<{
      pulls: { edges: Array<{ node: { ref: string; status: string } }> };
    }>(`{ pulls(first: 1) { edges { node { ref status } } } }`);
    expect(data?.pulls.edges[0]?.node).toEqual({ ref: "hf:acme/big-classifier", status: "CANCELLED" });
    expect(await progressNow(page)).toBeLessThan(100);
    web.setup.hub.cdnPace = null;
    expectCleanRun(recorded, web.url);
  });

  it("reads on a phone-sized screen in dark mode without sideways scrolling", async () => {
    const recorded = await openPage(web.browser, { width: 390, height: 844, colorScheme: "dark" });
    const { page } = recorded;
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

    await page.goto(`${web.url}/?q=classif&registries=local,hf`);
    await settled(page);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
      "rgb(13, 17, 23)",
    );
    await recorded.screenshot("search-phone-dark");
    await page.goto(`${web.url}/models/onnx-zoo:MNIST`);
    await page.getByRole("table", { name: "Files" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await recorded.screenshot("details-phone-dark");
    expectCleanRun(recorded, web.url);
  });
});
