import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";

const bin = join(import.meta.dirname, "..", "..", "bin", "model-gateway.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  /** stdout so far. */
  stdout(): string;
  /** Resolves when stdout matches, or rejects when the process ends first. */
  waitFor(pattern: RegExp): Promise<void>;
  result: Promise<CliResult>;
}

/**
 * Starts `model-gateway <args>` the way a user's shell does: a process of its own, through the
 * package's bin shim, with a clean environment (only PATH and what the test sets), never the
 * developer's GATEWAY_URL or keys. No terminal: stdin, stdout and stderr are pipes.
 */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  return follow(spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", ...env } }));
}

/**
 * Starts `model-gateway <args>` in a pseudo-terminal, through util-linux's `script` (Debian's
 * essential bsdutils), as a user at a terminal runs it: stdin, stdout and stderr are the terminal,
 * whose output (both streams) comes back as stdout; what the test writes to stdin is typed.
 */
export function startCliInTerminal(args: string[], env: Record<string, string> = {}): CliProcess {
  const command = [process.execPath, bin, ...args].map((word) => `'${word}'`).join(" ");
  return follow(
    spawn("script", ["--quiet", "--return", "--flush", "--command", command, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", TERM: "xterm", ...env },
    }),
  );
}

function follow(child: ChildProcessWithoutNullStreams): CliProcess {
  let stdout = "";
  let stderr = "";
  const watchers: Array<() => void> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
    for (const watch of watchers) watch();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    stdout: () => stdout,
    result,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const watch = () => pattern.test(stdout) && resolve();
        watchers.push(watch);
        watch();
        result.then(() => reject(new Error(`the command ended before printing ${pattern}:\n${stdout}\n${stderr}`)));
      }),
  };
}

/** Runs `model-gateway <args>` to its end. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).result;
}

/** The lines of NDJSON output, parsed. */
export function ndjson<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}
