import { describe, expect, it } from "vitest";
import { CHROMIUM, NO_BROWSER, openPage } from "./helpers/browser.js";
import { browserAndGateway } from "./helpers/web-gateway.js";
import { cardRefs, expectCards, expectCleanRun, settled } from "./helpers/web-page.js";

if (!CHROMIUM) console.warn(NO_BROWSER);

const web = browserAndGateway();

interface SearchPage {
  searchModels: { edges: Array<{ node: { ref: string } }>; pageInfo: { endCursor: string | null } };
}

/** The references of a search's first `pages` pages, read from the API directly. */
async function apiRefs(registries: string[], pages: number): Promise<string[]> {
  const refs: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const { data }: { data?: SearchPage } = await web.setup.gateway.graphql<SearchPage>(
      `query($registries: [String!], $after: String) {
        searchModels(registries: $registries, first: 24, after: $after) { edges { node { ref } } pageInfo { endCursor } }
      }`,
      { registries, after },
    );
    refs.push(...(data?.searchModels.edges.map((edge) => edge.node.ref) ?? []));
    after = data?.searchModels.pageInfo.endCursor ?? null;
  }
  return refs;
}

describe.skipIf(!CHROMIUM)("the model web.browser's search", () => {
  it("searches every registry at once into one list of cards, each headed by its model reference", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/`);
    await settled(page);

    await page.getByLabel("Search models").fill("classif");
    await page.waitForURL(/\?q=classif$/);
    await expect.poll(() => cardRefs(page)).toContain("onnx-zoo:AlexNet");

    const refs = await cardRefs(page);
    expect(refs).toEqual(
      expect.arrayContaining(["local:mlp-classifier", "hf:acme/vit-classifier", "hf:acme/text-classifier"]),
    );
    expect(new Set(refs).size).toBe(refs.length);
    const card = page.getByRole("article", { name: "hf:acme/vit-classifier" });
    expect(await card.locator(".badge-registry").textContent()).toBe("hf");
    const facts = await card.locator("dl").innerText();
    for (const fact of ["acme", "ONNX", "image-classification", "52K", "310", "apache-2.0"]) {
      expect(facts).toContain(fact);
    }
    expect(await card.innerText()).toContain("public");
    await page.getByLabel("Search models").fill("");
    await page.waitForURL(`${web.url}/`);
    const gated = page.getByRole("article", { name: "hf:acme/gated-llm" });
    expect(await gated.innerText()).toContain("gated, token needed");
    await page.getByLabel("Search models").fill("classif");
    await expect.poll(() => cardRefs(page)).toContain("onnx-zoo:AlexNet");
    await recorded.screenshot("search");
    expectCleanRun(recorded, web.url);
  });

  it("keeps the query and filters in the URL: a shared link restores them and the back button undoes them", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/?q=classif`);
    await settled(page);

    await page.getByRole("button", { name: "hf", exact: true }).click();
    await expectCards(page, ["hf:acme/vit-classifier", "hf:acme/big-classifier", "hf:acme/text-classifier"]);
    await page.getByLabel("Task").fill("image-classification");
    await expectCards(page, ["hf:acme/vit-classifier", "hf:acme/big-classifier"]);
    await page.getByLabel("Licence").fill("mit");
    await expectCards(page, ["hf:acme/big-classifier"]);
    const shared = page.url();
    expect(new URL(shared).search).toBe("?q=classif&registries=hf&task=image-classification&license=mit");

    const other = await openPage(web.browser);
    await other.page.goto(shared);
    await expectCards(other.page, ["hf:acme/big-classifier"]);
    expect(await other.page.getByLabel("Task").inputValue()).toBe("image-classification");
    expect(await other.page.getByRole("button", { name: "hf", exact: true }).getAttribute("aria-pressed")).toBe("true");

    await page.goBack();
    await expectCards(page, ["hf:acme/vit-classifier", "hf:acme/big-classifier"]);
    expect(await page.getByLabel("Licence").inputValue()).toBe("");
    await page.goBack();
    await expectCards(page, ["hf:acme/vit-classifier", "hf:acme/big-classifier", "hf:acme/text-classifier"]);
    await page.goForward();
    await expectCards(page, ["hf:acme/vit-classifier", "hf:acme/big-classifier"]);

    await page.goto(`${web.url}/?registries=hf`);
    await page.getByLabel("Format").selectOption("GGUF");
    await expectCards(page, ["hf:acme/tiny-llama-gguf"]);
    await page.getByLabel("Format").selectOption("");
    await page.getByLabel("Sort by").selectOption("DOWNLOADS");
    await page.waitForURL(/sort=DOWNLOADS/);
    await expect.poll(async () => (await cardRefs(page))[0]).toBe("hf:acme/gated-llm");
    await page.getByLabel("Min size (MB)").fill("2");
    await page.waitForURL(/minSize=2/);
    expectCleanRun(recorded, web.url);
    expectCleanRun(other, web.url);
  });

  it("is usable from the keyboard alone: search, toggle a registry, open a model", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/`);
    await settled(page);
    const tabTo = async (matches: () => Promise<boolean>) => {
      for (let step = 0; step < 40 && !(await matches()); step++) await page.keyboard.press("Tab");
      expect(await matches()).toBe(true);
    };
    const focused = (script: string) => () => page.evaluate(script) as Promise<boolean>;

    await tabTo(focused("document.activeElement?.id === 'q'"));
    await page.keyboard.type("classif");
    await page.waitForURL(/\?q=classif$/);
    await tabTo(focused("document.activeElement?.textContent === 'local'"));
    await page.keyboard.press("Space");
    await expectCards(page, ["local:mlp-classifier", "local:pair-classifier"]);
    await tabTo(focused("document.activeElement?.textContent === 'local:pair-classifier'"));
    await page.keyboard.press("Enter");
    await page.waitForURL(`${web.url}/models/local:pair-classifier`);
    await expect.poll(focused("document.activeElement?.tagName === 'H1'")).toBe(true);
    expectCleanRun(recorded, web.url);
  });

  it("reads further pages as the list scrolls, in the API's order, without a duplicate", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/?registries=local,onnx-zoo`);
    await settled(page);
    expect(await page.locator("article").count()).toBe(24);

    for (let round = 0; round < 20 && (await page.locator("article").count()) < 72; round++) {
      await page.mouse.wheel(0, 4000);
      await page.waitForTimeout(150);
    }

    const refs = (await cardRefs(page)).slice(0, 72);
    expect(new Set(await cardRefs(page)).size).toBe((await cardRefs(page)).length);
    expect(refs).toEqual(await apiRefs(["local", "onnx-zoo"], 3));
    expectCleanRun(recorded, web.url);
  });

  it("shows a registry that failed as a notice above the results of the others", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    await page.goto(`${web.url}/?q=classif`);
    await settled(page);

    const notice = page.getByRole("alert").filter({ hasText: "mirror" });
    await notice.waitFor();
    expect(await notice.innerText()).toContain("REGISTRY_UNAVAILABLE");
    expect(await cardRefs(page)).toContain("local:mlp-classifier");
    const noticeBox = await notice.boundingBox();
    const firstCard = await page.locator("article").first().boundingBox();
    expect((noticeBox?.y ?? 0) + (noticeBox?.height ?? 0)).toBeLessThanOrEqual(firstCard?.y ?? 0);

    await page.getByRole("button", { name: "local", exact: true }).click();
    await expectCards(page, ["local:mlp-classifier", "local:pair-classifier"]);
    expect(await page.getByRole("alert").count()).toBe(0);
    expectCleanRun(recorded, web.url);
  });
});
