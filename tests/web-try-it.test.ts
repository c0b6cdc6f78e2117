import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchBrowser, NO_BROWSER, openPage } from "./helpers/browser.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";
import { expectCleanRun } from "./helpers/web-page.js";

if (!CHROMIUM) console.warn(NO_BROWSER);

let browser: Browser;
let gateway: TestApp;
let url: string;
beforeAll(async () => {
  if (!CHROMIUM) return;
  [browser, gateway] = await Promise.all([launchBrowser(), startTestApp({ http: true })]);
  url = gateway.url;
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!CHROMIUM)("trying a model in the model browser", () => {
  it("runs local:mlp-classifier from a form built from its signature, values from a JSON file, and lists its top classes", async () => {
    const features = [
      [0.5, -1.2, 3.3, 0.1],
      [1, 2, 3, 4],
    ];
    const direct = await gateway.graphql<{ runInference: { outputs: Array<{ data: number[] }> } }>(
      `mutation($data: [Float!]) { runInference(input: { model: "local:mlp-classifier",
        inputs: [{ name: "features", elementType: FLOAT32, shape: [2, 4], data: $data }] }) {
        ... on InferenceResult { outputs { data } } } }`,
      { data: features.flat() },
    );
    const scores = (direct.data?.runInference.outputs[0]?.data ?? []).slice(0, 3);
    const expected = scores
      .map((score, index) => [`class ${index}`, score.toFixed(4)])
      .sort((a, b) => Number(b[1]) - Number(a[1]));
    const recorded = await openPage(browser);
    const { page } = recorded;
    await page.goto(`${url}/models/local:mlp-classifier`);

    await page.getByLabel("batch").fill("2");
    await page.getByLabel("From a JSON file").check();
    await page.getByLabel(/^Values file/).setInputFiles({
      name: "features.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ features })),
    });
    await page.getByRole("button", { name: "Run" }).click();
    const table = page.getByRole("table", { name: "Top classes (first item)" });
    await table.waitFor();

    const rows = await table
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? "")));
    expect(rows).toEqual(expected);
    const result = await page.locator(".inference-result .facts").innerText();
    expect(result).toMatch(/Provider\s+CPU/);
    expect(result).toMatch(/Total\s+[\d.]+ m?s/);
    expect(await page.locator(".output h4").innerText()).toContain("[2, 3]");
    await recorded.screenshot("try-it");
    expectCleanRun(recorded, url);
  });

  it("fills zeros or random values, asks a shared symbolic dimension once, and says when a file does not fit", async () => {
    const recorded = await openPage(browser);
    const { page } = recorded;
    await page.goto(`${url}/models/local:pair-classifier`);
    await page.getByRole("button", { name: "Run" }).waitFor();
    expect(await page.locator(".try-it input[type=number]").count()).toBe(1);

    await page.getByLabel("Zeros").check();
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByRole("table", { name: "Top classes" }).waitFor();
    await page.getByLabel("Random").check();
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText("match_probability").first().waitFor();

    await page.getByLabel("From a JSON file").check();
    await page.getByLabel(/^Values file/).setInputFiles({
      name: "short.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ left: [1, 2, 3], right: [1, 2, 3, 4, 5, 6, 7, 8] })),
    });
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText('"left" of shape [1, 8] needs 8 values; the file gives 3.').waitFor();
    expectCleanRun(recorded, url);
  });
});
