import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");

/** Starts a bench server script in its own process (with `env` added) and resolves with its URL once it listens. */
export function spawnServer(
  script: string,
  env: Record<string, string> = {},
): Promise<{ url: string; process: ChildProcess; banner: string }> {
  const child = spawn(tsx, [join(import.meta.dirname, "servers", script)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const port = /PORT=(\d+)/.exec(output)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}`, process: child, banner: output });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}
