import { Command, Option } from "commander";
import type { ResultOf } from "../../client/graphql.js";
import type { CliContext } from "../context.js";
import { refusal, UsageError } from "../exit.js";
import { duration, number, shape } from "../format.js";
import { collect, integerIn, oneOf } from "../options.js";
import type { Runner } from "../program.js";
import { type NamedTensor, readInput } from "../tensors/input-files.js";
import { outputValues, topClasses } from "../tensors/output-values.js";
import type { TensorInput } from "../tensors/tensor-input.js";
import { RUN_INFERENCE, SIGNATURE } from "./run-documents.js";

const PROVIDERS = ["AUTO", "CPU", "CUDA", "WEBGPU"] as const;
const ENCODINGS = ["JSON", "BASE64"] as const;
const SHOWN_VALUES = 12;
const SHOWN_ROWS = 8;

interface RunOptions {
  input?: string[];
  output?: string[];
  provider: (typeof PROVIDERS)[number];
  outputEncoding: (typeof ENCODINGS)[number];
  file?: string;
  pull: boolean;
  top: number;
}

type Result = Extract<ResultOf<typeof RUN_INFERENCE>["runInference"], { __typename: "InferenceResult" }>;

/** `run <ref> --input name=@file`: runs a model and shows its outputs (top classes for a classifier). */
export function runCommand(run: Runner): Command {
  return new Command("run")
    .description("run a model with ONNX Runtime on the gateway and show its outputs, provider and timings")
    .argument("<ref>", "model reference, <registry>:<id>[@<revision>]")
    .option("-i, --input <name=@file>", "an input: name=@file.npy, name=@file.json or name=<JSON> (repeat)", collect)
    .option("-o, --output <name>", "only this output (repeat; default: all)", collect)
    .addOption(
      new Option("-p, --provider <provider>", "execution provider: auto, cpu, cuda, webgpu")
        .argParser(oneOf(PROVIDERS))
        .default("AUTO", "auto"),
    )
    .addOption(
      new Option("--output-encoding <encoding>", "how outputs travel: json (numbers) or base64 (raw bytes)")
        .argParser(oneOf(ENCODINGS))
        .default("JSON", "json"),
    )
    .option(
      "--file <path>",
      "which .onnx file of the model to run (default: model.onnx, onnx/model.onnx, the only one)",
    )
    .option("--no-pull", "fail with MODEL_NOT_CACHED instead of pulling a model that is not cached")
    .option("--top <k>", "classes to show per row for a classifier", integerIn(1, 1000), 5)
    .action((ref: string, options: RunOptions, command: Command) =>
      run(command, async (cli) => {
        const tensors = await Promise.all((options.input ?? []).map(readInput));
        const signature = await signatureIfNeeded(cli, ref, tensors);
        const inputs = tensors.map((tensor) => toInput(tensor, signature));
        const { runInference } = await cli.client.request(RUN_INFERENCE, {
          input: {
            model: ref,
            inputs,
            outputs: options.output,
            executionProvider: options.provider,
            outputEncoding: options.outputEncoding,
            file: options.file,
            pull: options.pull,
          },
        });
        if (runInference.__typename === "GatewayError") throw refusal(runInference);
        if (cli.json) cli.printJson(runInference);
        else printResult(cli, runInference, options.top, signature?.task ?? null);
        return 0;
      }),
    );
}

type Signature = NonNullable<ResultOf<typeof SIGNATURE>["model"]>;

/** The model's signature, asked for only when a JSON tensor does not say its element type. */
async function signatureIfNeeded(cli: CliContext, ref: string, tensors: NamedTensor[]): Promise<Signature | null> {
  if (tensors.every((tensor) => tensor.values.elementType !== null)) return null;
  return (await cli.client.request(SIGNATURE, { ref })).model;
}

function toInput({ name, values }: NamedTensor, signature: Signature | null): TensorInput {
  const declared = signature?.inputs?.find((input) => input.name === name)?.elementType;
  const elementType = values.elementType ?? declared ?? "FLOAT32";
  if (elementType === "STRING") throw new UsageError(`--input ${name}: string tensors cannot be sent.`);
  return { ...values, name, elementType };
}

/** A class's score: probabilities to 4 decimals (0.9871), other scores to 6 significant digits. */
function score(value: number): string {
  return value >= 0 && value <= 1 ? value.toFixed(4) : number(value);
}

function printResult(cli: CliContext, result: Result, top: number, task: string | null): void {
  for (const output of result.outputs) {
    cli.print(`${cli.style("bold", output.name)}  ${output.elementType.toLowerCase()} ${shape(output.shape)}`);
    const values = outputValues(output);
    if (!values) continue;
    const classes = topClasses(output, values, top, task);
    if (classes) {
      classes.slice(0, SHOWN_ROWS).forEach((row, index) => {
        const best = row.map((c) => `class ${c.index} ${cli.style("cyan", score(c.score))}`).join("   ");
        cli.print(`  ${classes.length > 1 ? `[${index}] ` : ""}${best}`);
      });
      if (classes.length > SHOWN_ROWS) cli.print(`  … ${classes.length - SHOWN_ROWS} more rows (--json shows all)`);
    } else {
      const more = values.length > SHOWN_VALUES ? ` … ${values.length - SHOWN_VALUES} more (--json shows all)` : "";
      cli.print(`  ${values.slice(0, SHOWN_VALUES).map(number).join(", ")}${more}`);
    }
  }
  cli.print();
  cli.print(`model     ${result.model} (${result.file})`);
  cli.print(`provider  ${result.provider}`);
  result.providersTried
    .filter((attempt) => !attempt.used)
    .forEach((attempt, index) => {
      const label = (index === 0 ? "skipped" : "").padEnd(10);
      cli.print(cli.style("dim", `${label}${attempt.provider}: ${attempt.reason}`));
    });
  const t = result.timings;
  cli.print(
    `timings   total ${duration(t.totalMs)}, run ${duration(t.runMs)}, session ${duration(t.sessionLoadMs)}${result.sessionReused ? " (reused)" : ""}, queue ${duration(t.queueMs)}`,
  );
}
