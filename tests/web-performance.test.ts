import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHROMIUM, NO_BROWSER, OUTPUT_DIR, openPage } from "./helpers/browser.js";
import { browserAndGateway } from "./helpers/web-gateway.js";
import { expectCleanRun, settled } from "./helpers/web-page.js";

if (!CHROMIUM) console.warn(NO_BROWSER);

const web = browserAndGateway();

// The figures of BENCHMARKS.md ("The model web.browser"), written to test-output/web/performance.json.
describe.skipIf(!CHROMIUM)("the model web.browser's performance", () => {
  it("records the first load's script size and timings, and how soon a search's answer is painted", async () => {
    const recorded = await openPage(web.browser);
    const { page } = recorded;
    // Notes when the first result card enters the document.
    await page.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector("article")) return;
        observer.disconnect();
        Object.assign(window, { firstCardAt: performance.now() });
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${web.url}/?registries=local,hf,onnx-zoo`);
    await settled(page);
    const load = await page.evaluate(() => {
      const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((entry) =>
        entry.name.endsWith(".js"),
      );
      return {
        scriptFiles: scripts.length,
        scriptBytesTransferred: scripts.reduce((sum, entry) => sum + entry.encodedBodySize, 0),
        scriptBytesDecoded: scripts.reduce((sum, entry) => sum + entry.decodedBodySize, 0),
        domContentLoadedMs: navigation.domContentLoadedEventEnd,
        appMountedMs: performance.getEntriesByName("app-mounted")[0]?.startTime ?? null,
        firstCardMs: (window as unknown as { firstCardAt?: number }).firstCardAt ?? null,
        // The API's first (cold) answer: the gateway reads the zoo's manifest and every registry once.
        firstAnswerMs: Math.max(
          ...(performance.getEntriesByType("resource") as PerformanceResourceTiming[])
            .filter((entry) => entry.name.endsWith("/graphql"))
            .map((entry) => entry.responseEnd),
        ),
      };
    });

    // A search: from the moment its answer is received to the frame after its first card is in place.
    await page.evaluate(() => {
      const painted = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if (!document.querySelector("article h2")?.textContent?.includes("ResNet")) return;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      Object.assign(window, { painted });
    });
    await page.getByLabel("Search models").fill("resnet");
    const search = await page.evaluate(async () => {
      const paintedAt = await (window as unknown as { painted: Promise<number> }).painted;
      const answers = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (entry) => entry.name.endsWith("/graphql") && entry.responseEnd <= paintedAt,
      );
      const answeredAt = answers.at(-1)?.responseEnd ?? Number.NaN;
      return { answeredAt, paintedAt, answerToPaintMs: paintedAt - answeredAt };
    });

    const figures = { ...load, ...search, measuredAt: new Date().toISOString() };
    await mkdir(OUTPUT_DIR, { recursive: true });
    await writeFile(join(OUTPUT_DIR, "performance.json"), `${JSON.stringify(figures, null, 2)}\n`);
    console.info("model web.browser performance", figures);
    // Recorded, not asserted: these hold what the figures rest on (a compressed bundle, a real search).
    expect(load.scriptFiles).toBe(1);
    expect(load.scriptBytesTransferred).toBeLessThan(load.scriptBytesDecoded);
    expect(search.answerToPaintMs).toBeGreaterThan(0);
    expectCleanRun(recorded, web.url);
  });
});
