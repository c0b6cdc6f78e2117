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

async function registriesFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "gateway-config-")), name);
  await writeFile(path, text);
  return path;
}

describe("configuration", () => {
  it("has working defaults for every variable", () => {
    const config = loadConfig({});

    expect(config.server).toEqual({
      host: "localhost",
      port: 4000,
      corsOrigins: [],
      publicHosts: [],
      trustedProxies: [],
      graphiql: true,
    });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toMatch(/^file:.*\/data\/gateway\.db$/);
    expect(config.registries.enabled).toEqual(["local", "hf", "onnx-zoo"]);
    expect(config.registries.timeoutMs).toBe(10_000);
    expect(instance(config, "local")).toMatchObject({
      kind: "local-folder",
      enabled: true,
      endpoint: expect.stringMatching(/\/models$/),
      settings: { seedSamples: true },
    });
    expect(Object.isFrozen(instance(config, "local"))).toBe(true);
    expect(instance(config, "onnx-zoo")).toMatchObject({
      kind: "onnx-zoo",
      endpoint: "https://raw.githubusercontent.com/onnx/models/main/ONNX_HUB_MANIFEST.json",
      settings: {
        manifestTtlSeconds: 3600,
        filesUrl: "https://huggingface.co/onnxmodelzoo/legacy_models/resolve/main",
      },
    });
    expect(instance(config, "hf")).toMatchObject({
      kind: "huggingface",
      endpoint: "https://huggingface.co",
      credentials: { token: null },
      settings: { cacheTtlSeconds: 600, maxRetries: 3, retryBackoffMs: 500, retryBudgetMs: 5000 },
    });
  });

  it("takes the zoo's files from the zoo's mirror under HF_ENDPOINT unless ONNX_ZOO_FILES_URL is set", () => {
    const mirrored = loadConfig({ HF_ENDPOINT: "https://hf-mirror.example/" });
    const own = loadConfig({
      HF_ENDPOINT: "https://hf-mirror.example",
      ONNX_ZOO_FILES_URL: "http://files.example/zoo/",
    });

    expect(instance(mirrored, "onnx-zoo").settings).toMatchObject({
      filesUrl: "https://hf-mirror.example/onnxmodelzoo/legacy_models/resolve/main",
    });
    expect(instance(own, "onnx-zoo").settings).toMatchObject({ filesUrl: "http://files.example/zoo" });
  });

  it("takes the Hugging Face token from HF_TOKEN, or else HUGGING_FACE_HUB_TOKEN, as the Hub's tools do", () => {
    const token = (env: Record<string, string>) => instance(loadConfig(env), "hf").credentials.token;
    expect(token({ HF_TOKEN: "hf_a", HUGGING_FACE_HUB_TOKEN: "hf_b" })).toBe("hf_a");
    expect(token({ HUGGING_FACE_HUB_TOKEN: "hf_b" })).toBe("hf_b");
    expect(token({ HF_TOKEN: "" })).toBeNull();
  });

  it.each([
    ["PORT", "abc", /PORT="abc": must be a number/],
    ["PORT", "70000", /PORT="70000": must be at most 65535/],
    ["REGISTRY_TIMEOUT_MS", "0", /REGISTRY_TIMEOUT_MS="0": must be at least 1/],
    [
      "REGISTRIES",
      "local,nope",
      /REGISTRIES="local,nope": unknown registry nope; name one or more of local, hf, onnx-zoo/,
    ],
    ["REGISTRIES", ",", /REGISTRIES=",": name one or more of local, hf, onnx-zoo/],
    [
      "EXECUTION_PROVIDERS",
      "cpu,tpu",
      /EXECUTION_PROVIDERS="cpu,tpu": each execution provider must be one of cuda, webgpu, cpu/,
    ],
    ["HF_CACHE_TTL_SECONDS", "-1", /HF_CACHE_TTL_SECONDS="-1": must be at least 0/],
    ["HF_MAX_RETRIES", "many", /HF_MAX_RETRIES="many": must be a number/],
    ["GRAPHIQL", "maybe", /GRAPHIQL="maybe": must be true or false/],
    ["HF_ENDPOINT", "ftp://mirror", /HF_ENDPOINT="ftp:\/\/mirror": must be an http\(s\) URL/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL="loud": must be one of/],
    ["ONNX_ZOO_MANIFEST_TTL_SECONDS", "-1", /ONNX_ZOO_MANIFEST_TTL_SECONDS="-1": must be at least 0/],
    ["ONNX_ZOO_MANIFEST_URL", "not a url", /ONNX_ZOO_MANIFEST_URL="not a url": must be an http\(s\) URL/],
    ["ONNX_ZOO_FILES_URL", "file:///tmp", /ONNX_ZOO_FILES_URL="file:\/\/\/tmp": must be an http\(s\) URL/],
    ["PULL_CONCURRENCY", "0", /PULL_CONCURRENCY="0": must be at least 1/],
  ])("stops on a malformed %s=%s with a message naming the variable", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("keeps the model cache under DATA_DIR unless CACHE_DIR says otherwise", () => {
    expect(loadConfig({ DATA_DIR: "/srv/gateway" }).pulls).toEqual({
      cacheDir: "/srv/gateway/cache",
      concurrency: 4,
      stallTimeoutMs: 30_000,
    });
    expect(loadConfig({ CACHE_DIR: "/mnt/models", PULL_CONCURRENCY: "8" }).pulls).toMatchObject({
      cacheDir: "/mnt/models",
      concurrency: 8,
    });
  });

  it("reads lists and booleans", () => {
    const config = loadConfig({ CORS_ORIGINS: "https://a.example, https://b.example", GRAPHIQL: "false" });

    expect(config.server.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.server.graphiql).toBe(false);
  });

  it("declares more registry instances in a YAML REGISTRIES_FILE, credentials read from the variables it names", async () => {
    const file = await registriesFile(
      "registries.yaml",
      `registries:
  - name: hf-mirror
    kind: huggingface
    endpoint: https://hf-mirror.example/
    credentials: { token: MIRROR_TOKEN }
    settings: { cacheTtlSeconds: 30 }
  - name: team-models
    kind: local-folder
    endpoint: /srv/models
    enabled: false
`,
    );
    const config = loadConfig({ REGISTRIES_FILE: file, MIRROR_TOKEN: "secret-token" });

    expect(config.registries.enabled).toEqual(["local", "hf", "onnx-zoo", "hf-mirror"]);
    expect(instance(config, "hf-mirror")).toEqual({
      name: "hf-mirror",
      kind: "huggingface",
      enabled: true,
      endpoint: "https://hf-mirror.example",
      credentials: { token: "secret-token", username: null, password: null },
      settings: { cacheTtlSeconds: 30, maxRetries: 3, retryBackoffMs: 500, retryBudgetMs: 5000 },
    });
    expect(instance(config, "team-models")).toMatchObject({ enabled: false, endpoint: "/srv/models" });
    expect(
      loadConfig({ REGISTRIES_FILE: file, MIRROR_TOKEN: "x", REGISTRIES: "team-models" }).registries.enabled,
    ).toEqual(["team-models"]);
  });

  it("reads a JSON REGISTRIES_FILE too, and an entry with a built-in's name replaces it", async () => {
    const file = await registriesFile(
      "registries.json",
      JSON.stringify({ registries: [{ name: "hf", kind: "huggingface", endpoint: "http://127.0.0.1:9/" }] }),
    );

    expect(instance(loadConfig({ REGISTRIES_FILE: file }), "hf").endpoint).toBe("http://127.0.0.1:9");
  });

  it.each([
    ["kind: nope", /registries\[0\] \(extra\)\.kind: must be one of local-folder, huggingface, onnx-zoo/],
    ["kind: huggingface\n    endpoint: ftp://x", /registries\[0\] \(extra\)\.endpoint: must be an http\(s\) URL/],
    [
      "kind: huggingface\n    credentials: { token: hf_abcdefSECRET-value }",
      /registries\[0\] \(extra\)\.credentials\.token: must name an environment variable/,
    ],
    [
      "kind: huggingface\n    credentials: { token: UNSET_VARIABLE }",
      /registries\[0\] \(extra\)\.credentials\.token: names UNSET_VARIABLE, which is not set/,
    ],
    [
      "kind: huggingface\n    settings: { maxRetries: 99 }",
      /registries\[0\] \(extra\)\.settings\.maxRetries: must be at most 10/,
    ],
    ["kind: huggingface\n    colour: blue", /registries\[0\] \(extra\): Unrecognized key: "colour"/],
  ])("stops on a REGISTRIES_FILE entry with %s, naming the instance and the field", async (fields, message) => {
    const file = await registriesFile("bad.yaml", `registries:\n  - name: extra\n    ${fields}\n`);

    expect(() => loadConfig({ REGISTRIES_FILE: file })).toThrow(message);
  });

  it.each([
    ["a repeated key", "same-key-0123456789=read,same-key-0123456789=admin", /entry 2 repeats the key of entry 1/],
    ["two = in one entry", "a-key-0123456789abcd=read=admin", /entry 1 must be <key>=<scope>/],
  ])("refuses GATEWAY_API_KEYS with %s, without echoing it", (_case, keys, message) => {
    expect(() => loadConfig({ GATEWAY_API_KEYS: keys })).toThrow(message);
    expect(() => loadConfig({ GATEWAY_API_KEYS: keys })).not.toThrow(/0123456789/);
  });

  it.each([
    ["CORS_ORIGINS", "*", /each origin must be scheme:\/\/host\[:port\]/],
    ["CORS_ORIGINS", "https://ui.example/path", /each origin must be scheme:\/\/host\[:port\]/],
    ["TRUSTED_PROXIES", "not-an-address", /each proxy must be an IP address, a CIDR range/],
    ["PUBLIC_HOSTS", "host.example:8080", /each host must be a host name or an address, without a port/],
  ])("refuses %s=%s", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("never echoes a secret in a configuration error", () => {
    expect(() => loadConfig({ HF_TOKEN: "hf_secret", GATEWAY_API_KEYS: "short" })).toThrow(
      /GATEWAY_API_KEYS=\[redacted\]/,
    );
  });

  it("reads the replicas' variables: PostgreSQL, Redis, and an S3 store with its prefix and local bound", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://gateway:pw@db.internal:5432/gateway",
      REDIS_URL: "redis://redis.internal:6379",
      CACHE_STORE: "s3://team-models/gateway/prod",
      S3_ENDPOINT: "http://minio.internal:9000/",
      S3_FORCE_PATH_STYLE: "true",
      CACHE_LOCAL_MAX_BYTES: "2147483648",
    });

    expect(config.database).toEqual({
      provider: "postgresql",
      url: "postgresql://gateway:pw@db.internal:5432/gateway",
    });
    expect(config.redis).toEqual({ url: "redis://redis.internal:6379" });
    expect(config.store).toMatchObject({
      kind: "s3",
      bucket: "team-models",
      prefix: "gateway/prod/",
      endpoint: "http://minio.internal:9000",
      forcePathStyle: true,
      region: "us-east-1",
      localMaxBytes: 2 ** 31,
    });
    expect(loadConfig({}).store).toEqual({ kind: "local-folder" });
    expect(loadConfig({}).redis).toBeNull();
  });

  it("refuses a database or store it cannot use, naming the variable without echoing a password", () => {
    const refuse = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("accepted");
    };

    const database = refuse({ DATABASE_URL: "mysql://root:hunter2@db/gateway" });
    expect(database).toContain("DATABASE_URL=[redacted]: must be a file: URL (SQLite) or a postgresql:// URL");
    expect(database).not.toContain("hunter2");
    expect(refuse({ CACHE_STORE: "/mnt/models" })).toContain('CACHE_STORE="/mnt/models": must be s3://<bucket>');
    expect(refuse({ REDIS_URL: "localhost:6379" })).toContain("REDIS_URL=[redacted]: must be a redis://");
  });
});
