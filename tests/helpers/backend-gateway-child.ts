import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { stopOnSignals } from "../../src/shutdown.js";

/**
 * A gateway in a process of its own, serving its sample models over the Open Inference Protocol
 * as another gateway's remote backend. It listens on PORT (0: any), so a restarted one comes back
 * at the same URL; GATEWAY_API_KEYS, when set, is its keys.
 */
const env = process.env as Record<string, string>;
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: env.DATA_DIR,
  LOCAL_MODELS_DIR: join(env.DATA_DIR as string, "models"),
  LOG_LEVEL: "silent",
  REGISTRIES: "local",
  INFERENCE_WORKERS: "1",
  GATEWAY_API_KEYS: env.GATEWAY_API_KEYS ?? "",
});
const app = await openApp(config, { logger: createLogger("silent") });
const server = createServer(app.gateway);
stopOnSignals(server, app);
server.listen(Number(env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
