import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { cleanEnv } from "./clean-env.js";

const childMain = join(import.meta.dirname, "pull-gateway-child.ts");

/**
 * Starts pull-gateway-child.ts (or another child script) in a process of its own and answers its URL once it listens.
 * Node runs it with tsx's loader directly: the tsx command would run the gateway in a
 * grandchild that signals sent to the child miss.
 */
export function startChildGateway(
  env: Record<string, string>,
  script = childMain,
): { process: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      const found = /listening at (\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", () => reject(new Error(`the child gateway exited:\n${output}`)));
  });
  return { process: child, url };
}
