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
 * A gateway in a process of its own, for a test to kill or stop mid-pull: its one registry lists
 * MODEL_ID with a model.onnx of MODEL_BYTES seeded bytes, served at FILE_SERVER_URL.
 */
const env = process.env as Record<string, string>;
const registry = new FakePullRegistry("fake", env.FILE_SERVER_URL as string).add(env.MODEL_ID as string, {
  "model.onnx": seededBytes(Number(env.MODEL_BYTES), Number(env.MODEL_SEED)),
});
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: env.DATA_DIR,
  LOCAL_MODELS_DIR: join(env.DATA_DIR as string, "models"),
  LOG_LEVEL: "silent",
});
const app = await openApp(config, { logger: createLogger("silent"), registries: new RegistrySet([registry]) });
const server = createServer(app.gateway);
stopOnSignals(server, app);
server.listen(0, "127.0.0.1", () => {
  console.log(`listening at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
