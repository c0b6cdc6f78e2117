import { styleText } from "node:util";
import Table from "cli-table3";
import { GatewayClient } from "../client/gateway-client.js";
import type { Failure } from "./exit.js";

/** The options every verb takes (program.ts declares them). */
export interface GlobalOptions {
  url: string;
  key?: string;
  json?: boolean;
  color: boolean;
}

/** The streams and environment a command talks to; tests of the pieces pass their own. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

/** No table borders, two spaces between columns: easy to read and to cut, like `docker ps`. */
const PLAIN_CHARS: Record<string, string> = {
  ...Object.fromEntries(
    ["top", "top-mid", "top-left", "top-right", "bottom", "bottom-mid", "bottom-left", "bottom-right"]
      .concat(["left", "left-mid", "mid", "mid-mid", "right", "right-mid"])
      .map((name) => [name, ""]),
  ),
  middle: "  ",
};

/**
 * What a verb needs: the gateway's client, and an output that follows the mode. With --json only
 * JSON reaches stdout; colours only on a terminal without NO_COLOR; bars only when stderr is a
 * terminal and --json is off.
 */
export class CliContext {
  readonly client: GatewayClient;
  readonly json: boolean;
  /** Whether live progress (bars, prompts) can be drawn. */
  readonly interactive: boolean;
  private readonly color: boolean;

  constructor(
    readonly options: GlobalOptions,
    readonly io: Io,
  ) {
    this.client = new GatewayClient({ url: options.url, apiKey: options.key || null });
    this.json = options.json === true;
    this.interactive = !this.json && io.stderr.isTTY === true;
    this.color = !this.json && options.color && io.stdout.isTTY === true && !io.env.NO_COLOR;
  }

  /** A line for people on stdout. */
  print(line = ""): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** The command's one JSON document on stdout. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One line of NDJSON on stdout (progress events). */
  printJsonLine(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** A note for people on stderr (never mixed into stdout's data). */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Text in a colour or weight, when colours are on. */
  style(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  /** A table with a header row, columns aligned, numbers right-aligned where `right` says. */
  table(head: string[], rows: string[][], right: number[] = []): string {
    const table = new Table({
      head: head.map((title) => this.style("bold", title)),
      chars: PLAIN_CHARS,
      style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
      colAligns: head.map((_, index) => (right.includes(index) ? "right" : "left")),
    });
    table.push(...rows);
    // cli-table3 pads the last column too; trailing blanks only get in the way of copying and diffs.
    return table
      .toString()
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n");
  }

  /** The gateway's code and message on stderr (as JSON with --json). */
  reportFailure(failure: Failure): void {
    if (this.json) {
      this.io.stderr.write(
        `${JSON.stringify({ error: { code: failure.code, message: failure.message, ...failure.details } })}\n`,
      );
      return;
    }
    const extra = Object.entries(failure.details)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => `  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    const colored = this.options.color && this.io.stderr.isTTY === true && !this.io.env.NO_COLOR;
    const label = colored ? styleText("red", "error") : "error";
    this.io.stderr.write(`${[`${label} ${failure.code}: ${failure.message}`, ...extra].join("\n")}\n`);
  }
}
