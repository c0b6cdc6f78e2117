import { execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium, driven by playwright-core (which downloads no browser of its own). */
export const CHROMIUM = findChromium();

/** Why the browser tests did not run, naming the package that makes them run. */
export const NO_BROWSER =
  "Chromium is not installed: the model browser's tests are skipped (install Debian's package: apt-get install -y chromium).";

/** Where the browser tests leave their screenshots and figures (ignored by git). */
export const OUTPUT_DIR = join(import.meta.dirname, "..", "..", "test-output", "web");

function findChromium(): string | null {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * One headless Chromium for a test file, with the flags that make it quiet and offline-safe here:
 * no sandbox (root in CI), no GPU, no background or component traffic. playwright-core gives each
 * launch a fresh temporary profile (its own --user-data-dir), removed when the browser closes.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(NO_BROWSER);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** A page in a context of its own (fresh storage), with every request it makes and every problem it hits. */
export interface RecordedPage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Script errors, console errors and Content-Security-Policy violations. */
  problems: string[];
  /** Saves a screenshot of the whole page under test-output/web/<name>.png. */
  screenshot(name: string): Promise<void>;
}

export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; colorScheme?: "light" | "dark" } = {},
): Promise<RecordedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? "light",
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A refused API key is the gateway's expected answer (401), which the page handles by asking for one.
    if (message.type() === "error" && !/status of 401/.test(message.text())) problems.push(message.text());
  });
  return {
    page,
    context,
    requests,
    problems,
    async screenshot(name) {
      await mkdir(OUTPUT_DIR, { recursive: true });
      await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
    },
  };
}

/** Requests that went anywhere but this machine (data: and blob: URLs stay in the page). */
export function offMachine(requests: readonly string[]): string[] {
  return requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    if (protocol === "data:" || protocol === "blob:") return false;
    return !["127.0.0.1", "localhost", "[::1]"].includes(hostname);
  });
}
