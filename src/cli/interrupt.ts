import { createInterface } from "node:readline/promises";
import type { CliContext } from "./context.js";

/** Ctrl-C, caught while a long verb runs; `caught` resolves when it comes. */
export interface Interruption {
  caught: Promise<"interrupted">;
  dispose(): void;
}

/** Catches SIGINT (instead of dying at once) until disposed, so the verb can decide what it means. */
export function catchInterrupt(): Interruption {
  let listener: () => void = () => undefined;
  const caught = new Promise<"interrupted">((resolve) => {
    listener = () => resolve("interrupted");
    process.once("SIGINT", listener);
  });
  return { caught, dispose: () => process.off("SIGINT", listener) };
}

/**
 * Asks a yes/no question on the terminal; false without a terminal to ask on, on Enter, and on a
 * second Ctrl-C. node:readline is enough for one line of input, so no prompt library is used.
 */
export async function confirm(cli: CliContext, question: string): Promise<boolean> {
  if (!cli.interactive || !cli.io.stdin.isTTY) return false;
  const prompt = createInterface({ input: cli.io.stdin, output: cli.io.stderr, terminal: true });
  const secondCtrlC = new Promise<string>((resolve) => prompt.once("SIGINT", () => resolve("")));
  try {
    const answer = await Promise.race([prompt.question(question), secondCtrlC]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
