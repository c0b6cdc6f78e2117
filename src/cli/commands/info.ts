import { Command } from "commander";
import { graphql, type ResultOf } from "../../client/graphql.js";
import type { CliContext } from "../context.js";
import { bytes, count, date, NONE, shape } from "../format.js";
import type { Runner } from "../program.js";

const INFO = graphql(`
  query CliInfo($ref: String!) {
    model(ref: $ref) {
      ref
      name
      registry
      revision
      author
      description
      format
      task
      license
      tags
      sizeBytes
      downloads
      likes
      updatedAt
      accessStatus
      pageUrl
      cached
      stale
      brokenReason
      opset
      producer
      availableRevisions
      languageModel {
        family
        parameterSize
        quantization
        contextLength
      }
      files {
        path
        sizeBytes
        sha256
      }
      inputs {
        name
        elementType
        shape
      }
      outputs {
        name
        elementType
        shape
      }
    }
  }
`);

type ModelInfo = NonNullable<ResultOf<typeof INFO>["model"]>;

/** `info <ref>`: what the gateway knows of one model: facts, files with hashes, signature, revisions. */
export function infoCommand(run: Runner): Command {
  return new Command("info")
    .description("show one model: facts, files with sizes and sha256, tensor signature, revisions, cached or not")
    .argument("<ref>", "model reference, <registry>:<id>[@<revision>], e.g. local:mlp-classifier")
    .action((ref: string, _options: unknown, command: Command) =>
      run(command, async (cli) => {
        const { model } = await cli.client.request(INFO, { ref });
        // The gateway answers an unknown model with MODEL_NOT_FOUND, which request() throws; null is a safety net.
        if (!model) throw new Error(`The gateway answered no model for ${ref}.`);
        if (cli.json) cli.printJson(model);
        else printModel(cli, model);
        return 0;
      }),
    );
}

function printModel(cli: CliContext, model: ModelInfo): void {
  const llm = model.languageModel;
  const facts: Array<[string, string | number | null | undefined]> = [
    ["name", model.name],
    ["registry", model.registry],
    ["revision", model.revision],
    ["author", model.author],
    ["format", model.format.toLowerCase()],
    ["task", model.task],
    ["license", model.license],
    ["size", bytes(model.sizeBytes)],
    ["downloads", count(model.downloads)],
    ["likes", count(model.likes)],
    ["updated", date(model.updatedAt)],
    ["access", model.accessStatus.toLowerCase()],
    ["cached", model.cached ? "yes" : "no"],
    ["opset", model.opset],
    ["producer", model.producer],
    ["language model", llm && [llm.family, llm.parameterSize, llm.quantization].filter(Boolean).join(" ")],
    ["context length", llm?.contextLength],
    ["tags", model.tags.join(", ")],
    ["page", model.pageUrl],
    ["stale", model.stale ? "yes: the registry was unreachable, this is a stored copy" : null],
    ["broken", model.brokenReason],
    ["description", model.description],
  ];
  cli.print(cli.style("bold", model.ref));
  const width = Math.max(...facts.map(([label]) => label.length));
  for (const [label, value] of facts) {
    if (value !== null && value !== undefined && value !== "" && value !== NONE)
      cli.print(`  ${label.padEnd(width)}  ${value}`);
  }
  section(cli, "Files");
  if (!model.files?.length) cli.print("  (not listed)");
  else
    cli.print(
      indent(
        cli.table(
          ["PATH", "SIZE", "SHA256"],
          model.files.map((f) => [f.path, bytes(f.sizeBytes), f.sha256 ?? NONE]),
          [1],
        ),
      ),
    );
  section(cli, "Signature");
  const tensors = [
    ...(model.inputs ?? []).map((t) => ["input", t.name, t.elementType?.toLowerCase() ?? NONE, shape(t.shape)]),
    ...(model.outputs ?? []).map((t) => ["output", t.name, t.elementType?.toLowerCase() ?? NONE, shape(t.shape)]),
  ];
  if (tensors.length === 0) cli.print("  (unknown until the model is pulled)");
  else cli.print(indent(cli.table(["", "NAME", "TYPE", "SHAPE"], tensors)));
  if (model.availableRevisions?.length) {
    section(cli, "Revisions");
    cli.print(`  ${model.availableRevisions.join(", ")}`);
  }
}

function section(cli: CliContext, title: string): void {
  cli.print();
  cli.print(cli.style("bold", title));
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
