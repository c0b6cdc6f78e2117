import { createServer } from "node:http";
import { openApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

/** The entry point: `npm start`. Everything else is built by openApp and testable without a port. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await openApp(config);
  const server = createServer(app.gateway);
  server.listen(config.server.port, config.server.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.server.port;
    app.services.logger.info(
      `Model Gateway ${app.services.version}: GraphQL and GraphiQL at http://${config.server.host}:${port}/graphql`,
    );
  });
  const stop = (signal: string) => {
    app.services.logger.info({ signal }, "shutting down");
    server.close(() => void app.close().then(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  // A configuration mistake is the user's to fix: print it plainly, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
