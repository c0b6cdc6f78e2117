import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { RegistrySet } from "../../src/registries/registry-set.js";
import { stopOnSignals } from "../../src/shutdown.js";
import { FakePullRegistry, seededBytes } from "./fake-pull-registry.js";

/**
 * One gateway replica in a process of its own, configured like a real one by its environment
 * (DATABASE_URL, REDIS_URL, CACHE_STORE and S3_*, GATEWAY_API_KEYS, MUTATION_RATE_LIMIT…). Its
 * one registry, `fake`, lists the models MODELS describes (`id:bytes:seed,…`: seeded bytes as
 * model.onnx), served at FILE_SERVER_URL, so every replica lists the same files.
 */
const env = process.env as Record<string, string>;
const registry = new FakePullRegistry("fake", env.FILE_SERVER_URL as string);
for (const model of (env.MODELS ?? "").split(",").filter(Boolean)) {
  const [id, bytes, seed] = model.split(":");
  registry.add(id as string, { "model.onnx": seededBytes(Number(bytes), Number(seed)) });
}
const config = loadConfig({
  ...env,
  NODE_ENV: "test",
  LOCAL_MODELS_DIR: join(env.DATA_DIR as string, "models"),
  LOG_LEVEL: env.LOG_LEVEL ?? "silent",
  HOST: "127.0.0.1",
});
const app = await openApp(config, { logger: createLogger(config.logLevel), registries: new RegistrySet([registry]) });
const server = createServer(app.gateway);
stopOnSignals(server, app);
server.listen(0, "127.0.0.1", () => {
  console.log(`listening at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
