import { createServer } from "node:http";
import { openApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { UnusableDatabase } from "./db/database-errors.js";
import { stopOnSignals } from "./shutdown.js";

/** The entry point: `npm start`. Everything else is built by openApp and testable without a port. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await openApp(config);
  const server = createServer(app.gateway);
  server.listen(config.server.port, config.server.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.server.port;
    app.services.logger.info(
      `Model Gateway ${app.services.version}: GraphQL and GraphiQL at http://${config.server.host}:${port}/graphql, the model browser at http://${config.server.host}:${port}/`,
    );
  });
  stopOnSignals(server, app);
}

main().catch((error: unknown) => {
  // A configuration mistake or an unusable database is the user's to fix: said plainly, no stack trace.
  console.error(error instanceof ConfigError || error instanceof UnusableDatabase ? error.message : error);
  process.exit(1);
});
