import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";

const childMain = join(import.meta.dirname, "backend-gateway-child.ts");

export interface BackendGateway {
  process: ChildProcess;
  url: string;
  /** Kills it at once (SIGKILL), as a crash would, and waits for it to be gone. */
  kill(): Promise<void>;
}

/**
 * Starts backend-gateway-child.ts in a process of its own with a clean environment (only what
 * Node needs to run and the variables given), and answers once it listens. Node runs it with
 * tsx's loader directly, so signals reach the gateway itself.
 */
export async function startBackendGateway(env: {
  DATA_DIR: string;
  PORT?: string;
  GATEWAY_API_KEYS?: string;
}): Promise<BackendGateway> {
  const child = spawn(process.execPath, ["--import", "tsx", childMain], {
    env: { PATH: process.env.PATH ?? "", ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      const found = /listening at (\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", () => reject(new Error(`the backend gateway exited:\n${output}`)));
  });
  return {
    process: child,
    url,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
  };
}
