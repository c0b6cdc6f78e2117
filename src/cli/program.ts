import { Command, CommanderError, Option } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import { cacheCommand } from "./commands/cache.js";
import { infoCommand } from "./commands/info.js";
import { pullCommand } from "./commands/pull.js";
import { pullsCommand } from "./commands/pulls.js";
import { rmCommand } from "./commands/rm.js";
import { runCommand } from "./commands/run.js";
import { runsCommand } from "./commands/runs.js";
import { searchCommand } from "./commands/search.js";
import { serveCommand } from "./commands/serve.js";
import { CliContext, type GlobalOptions, type Io } from "./context.js";
import { describeFailure, EXIT } from "./exit.js";

/** What a verb's body does with the context; it answers its exit code (0 when it says nothing). */
export type VerbBody = (context: CliContext) => Promise<number | undefined>;

/** Runs a verb's body with a context built from the command's options, and reports its failure. */
export type Runner = (command: Command, body: VerbBody) => Promise<void>;

const EXIT_CODES = `
Exit codes: 0 done, 1 the gateway refused or the work failed (its code on stderr), 2 usage error,
3 gateway unreachable, 130 interrupted (Ctrl-C).`;

/**
 * The `model-gateway` command: global options (where the gateway is, the key, --json), one
 * subcommand per verb, usage errors as exit 2. Each verb lives in commands/, one file each.
 */
export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const runner: Runner = async (command, body) => {
    const context = new CliContext(command.optsWithGlobals<GlobalOptions>(), io);
    try {
      setExitCode((await body(context)) ?? EXIT.ok);
    } catch (error) {
      const failure = describeFailure(error);
      context.reportFailure(failure);
      setExitCode(failure.exitCode);
    }
  };
  const program = new Command("model-gateway")
    .description("Search, inspect, pull and run models through a running Model Gateway (or start one: serve).")
    .version(packageJson.version)
    .addOption(
      new Option("--url <url>", "the gateway's GraphQL endpoint")
        .env("GATEWAY_URL")
        .default("http://localhost:4000/graphql"),
    )
    .addOption(
      new Option(
        "-k, --key <key>",
        "API key for a gateway with GATEWAY_API_KEYS (prefer the variable: argv is visible)",
      ).env("GATEWAY_API_KEY"),
    )
    .option("--json", "machine-readable output: one JSON document (NDJSON for pull progress), no colours or bars")
    .option("--no-color", "no colours (NO_COLOR does the same)")
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", EXIT_CODES)
    .exitOverride();
  const verbs = [
    searchCommand,
    infoCommand,
    pullCommand,
    runCommand,
    pullsCommand,
    runsCommand,
    cacheCommand,
    rmCommand,
  ];
  for (const verb of [...verbs.map((build) => build(runner)), serveCommand()]) {
    // addCommand does not pass on the program's settings (exit override, output, help) by itself.
    program.addCommand(verb.copyInheritedSettings(program).addHelpText("after", EXIT_CODES));
  }
  return program;
}

/** Parses argv and runs the verb; answers the exit code (usage errors 2, --help and --version 0). */
export async function runProgram(io: Io, argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    const done = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
    return done ? EXIT.ok : EXIT.usage;
  }
  return exitCode;
}
