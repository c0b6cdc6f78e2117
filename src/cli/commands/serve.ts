import { Command } from "commander";
import { integerIn } from "../options.js";

/**
 * `serve`: starts the gateway itself, exactly as `npm start` does (src/main.ts, configured by the
 * same environment variables), so one installed command both runs and drives a gateway.
 * --port and --host are shorthands for PORT and HOST.
 */
export function serveCommand(): Command {
  return new Command("serve")
    .description("start the gateway itself (the same as npm start; configured by its environment variables)")
    .option("--port <port>", "port to listen on (PORT; default 4000)", integerIn(0, 65535))
    .option("--host <host>", "address to listen on (HOST; default localhost)")
    .action(async (options: { port?: number; host?: string }) => {
      if (options.port !== undefined) process.env.PORT = String(options.port);
      if (options.host !== undefined) process.env.HOST = options.host;
      await import("../../main.js");
      // The gateway runs until its own signal handler stops it and exits.
      await new Promise<never>(() => undefined);
    });
}
