import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Config, ConfigError, loadConfig } from "../src/config.js";

function instance(config: Config, name: string) {
  const found = config.registries.instances.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no registry ${name}`);
  return found;
}

describe("ModelScope configuration", () => {
  it("keeps the built-in modelscope registry off unless REGISTRIES names it", () => {
    const config = loadConfig({});

    expect(config.registries.enabled).not.toContain("modelscope");
    expect(instance(config, "modelscope")).toEqual({
      name: "modelscope",
      kind: "modelscope",
      enabled: false,
      endpoint: "https://www.modelscope.cn",
      credentials: { token: null, username: null, password: null },
      settings: { cacheTtlSeconds: 600, maxRetries: 3, retryBackoffMs: 500, retryBudgetMs: 5000 },
    });
  });

  it("reads the MODELSCOPE_* variables into the built-in instance once REGISTRIES names it", () => {
    const config = loadConfig({
      REGISTRIES: "local,modelscope",
      MODELSCOPE_ENDPOINT: "https://modelscope.ai/",
      MODELSCOPE_API_TOKEN: " ms-token ",
      MODELSCOPE_CACHE_TTL_SECONDS: "60",
      MODELSCOPE_MAX_RETRIES: "1",
    });

    expect(config.registries.enabled).toEqual(["local", "modelscope"]);
    expect(instance(config, "modelscope")).toMatchObject({
      enabled: true,
      endpoint: "https://modelscope.ai",
      credentials: { token: "ms-token" },
      settings: { cacheTtlSeconds: 60, maxRetries: 1 },
    });
  });

  it("stops on a malformed MODELSCOPE_* variable with a message naming it", () => {
    expect(() => loadConfig({ MODELSCOPE_ENDPOINT: "ftp://modelscope.cn" })).toThrow(ConfigError);
    expect(() => loadConfig({ MODELSCOPE_ENDPOINT: "ftp://modelscope.cn" })).toThrow(
      /MODELSCOPE_ENDPOINT="ftp:\/\/modelscope.cn": must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ MODELSCOPE_CACHE_TTL_SECONDS: "-5" })).toThrow(
      /MODELSCOPE_CACHE_TTL_SECONDS="-5": must be at least 0/,
    );
  });

  it("declares another ModelScope (the international site) in REGISTRIES_FILE, with its own token variable", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "gateway-config-")), "registries.yaml");
    await writeFile(
      file,
      `registries:
  - name: modelscope-intl
    kind: modelscope
    endpoint: https://modelscope.ai
    credentials: { token: MODELSCOPE_INTL_TOKEN }
    settings: { cacheTtlSeconds: 30 }
`,
    );

    const config = loadConfig({ REGISTRIES_FILE: file, MODELSCOPE_INTL_TOKEN: "intl-token" });

    expect(instance(config, "modelscope-intl")).toEqual({
      name: "modelscope-intl",
      kind: "modelscope",
      enabled: true,
      endpoint: "https://modelscope.ai",
      credentials: { token: "intl-token", username: null, password: null },
      settings: { cacheTtlSeconds: 30, maxRetries: 3, retryBackoffMs: 500, retryBudgetMs: 5000 },
    });
  });
});
