import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

const kaggleOf = (env: Record<string, string>) => {
  const found = loadConfig(env).registries.instances.find((instance) => instance.name === "kaggle");
  if (!found) throw new Error("no kaggle registry");
  return found;
};

describe("the built-in kaggle registry", () => {
  it("calls Kaggle's own API host, and stays disabled while no credentials are set", () => {
    const config = loadConfig({});

    expect(config.registries.enabled).not.toContain("kaggle");
    expect(kaggleOf({})).toMatchObject({
      kind: "kaggle",
      enabled: false,
      endpoint: "https://api.kaggle.com",
      credentials: { token: null, username: null, password: null },
      settings: { cacheTtlSeconds: 600, maxRetries: 3, retryBackoffMs: 500, retryBudgetMs: 5000 },
    });
  });

  it("is enabled by KAGGLE_API_TOKEN, or by KAGGLE_USERNAME with KAGGLE_KEY, but not by a username alone", () => {
    expect(kaggleOf({ KAGGLE_API_TOKEN: "KGAT_x" })).toMatchObject({ enabled: true, credentials: { token: "KGAT_x" } });
    expect(kaggleOf({ KAGGLE_USERNAME: "ada", KAGGLE_KEY: "k3y" })).toMatchObject({
      enabled: true,
      credentials: { token: null, username: "ada", password: "k3y" },
    });
    expect(kaggleOf({ KAGGLE_USERNAME: "ada" }).enabled).toBe(false);
  });

  it("is enabled without credentials when REGISTRIES names it, and disabled with them when REGISTRIES leaves it out", () => {
    expect(kaggleOf({ REGISTRIES: "local,kaggle" }).enabled).toBe(true);
    expect(kaggleOf({ REGISTRIES: "local", KAGGLE_API_TOKEN: "KGAT_x" }).enabled).toBe(false);
  });

  it("reads its endpoint and cache lifetime, and refuses malformed ones naming the variable", () => {
    expect(kaggleOf({ KAGGLE_API_ENDPOINT: "http://localhost/api/", KAGGLE_CACHE_TTL_SECONDS: "0" })).toMatchObject({
      endpoint: "http://localhost/api",
      settings: { cacheTtlSeconds: 0 },
    });
    expect(() => loadConfig({ KAGGLE_API_ENDPOINT: "api.kaggle.com" })).toThrow(/KAGGLE_API_ENDPOINT/);
    expect(() => loadConfig({ KAGGLE_CACHE_TTL_SECONDS: "-1" })).toThrow(/KAGGLE_CACHE_TTL_SECONDS/);
  });
});
