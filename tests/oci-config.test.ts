import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../src/config.js";
import { DEFAULT_OLLAMA_MODELS } from "../src/registries/oci/kind.js";

const ollama = (config: Config) => config.registries.instances.find((instance) => instance.name === "ollama");

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function registriesFile(entry: object): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "oci-config-"));
  const path = join(dir, "registries.json");
  await writeFile(path, JSON.stringify({ registries: [entry] }));
  return path;
}

describe("configuring OCI registries", () => {
  it("has a built-in ollama instance that stays off until REGISTRIES names it", () => {
    const off = loadConfig({});
    const on = loadConfig({ REGISTRIES: "local,ollama", OLLAMA_REGISTRY_MODELS: "llama3.2, library/qwen2.5" });

    expect(off.registries.enabled).not.toContain("ollama");
    expect(ollama(off)).toMatchObject({
      kind: "oci",
      enabled: false,
      endpoint: "https://registry.ollama.ai",
      settings: { namespace: "library", repositories: DEFAULT_OLLAMA_MODELS, catalog: false },
    });
    expect(on.registries.enabled).toEqual(["local", "ollama"]);
    expect(ollama(on)?.settings).toMatchObject({ repositories: ["llama3.2", "library/qwen2.5"] });
  });

  it("declares an oci instance in REGISTRIES_FILE with credentials from the variables it names and its settings", async () => {
    const file = await registriesFile({
      name: "team",
      kind: "oci",
      endpoint: "https://registry.example.com/",
      credentials: { username: "TEAM_USER", token: "TEAM_TOKEN" },
      settings: { namespace: "models", repositories: ["doubler"], platform: "linux/arm64/v8" },
    });

    const config = loadConfig({ REGISTRIES_FILE: file, TEAM_USER: "robot", TEAM_TOKEN: "secret" });

    expect(config.registries.instances.find((instance) => instance.name === "team")).toEqual({
      name: "team",
      kind: "oci",
      enabled: true,
      endpoint: "https://registry.example.com",
      credentials: { username: "robot", token: "secret", password: null },
      settings: {
        namespace: "models",
        repositories: ["doubler"],
        catalog: true,
        catalogPageSize: 100,
        platform: "linux/arm64/v8",
        cacheTtlSeconds: 300,
        maxRetries: 3,
        retryBackoffMs: 500,
        retryBudgetMs: 5000,
      },
    });
  });

  it.each([
    [{ repositories: ["Models/Upper"] }, /settings\.repositories\.0: "Models\/Upper" is not a repository name/],
    [{ platform: "amd64" }, /settings\.platform: must be os\/arch or os\/arch\/variant/],
    [{ namespace: "a--b" }, /settings\.namespace: must be a repository path/],
  ])("stops on the oci settings %j, naming the field", async (settings, message) => {
    const file = await registriesFile({ name: "team", kind: "oci", endpoint: "https://r.example", settings });

    expect(() => loadConfig({ REGISTRIES_FILE: file })).toThrow(message);
  });

  it("stops on an OLLAMA_REGISTRY_MODELS that lists something other than repositories, and requires an endpoint", async () => {
    const file = await registriesFile({ name: "team", kind: "oci" });

    expect(() => loadConfig({ OLLAMA_REGISTRY_MODELS: "llama3.2,Not A Name" })).toThrow(
      /OLLAMA_REGISTRY_MODELS.*comma-separated repository names/,
    );
    expect(() => loadConfig({ REGISTRIES_FILE: file })).toThrow(/\(team\)\.endpoint: is required for this kind/);
  });
});
