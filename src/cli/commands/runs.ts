import { Command } from "commander";
import { graphql } from "../../client/graphql.js";
import { date, duration, NONE, shape } from "../format.js";
import { integerIn } from "../options.js";
import type { Runner } from "../program.js";

const RUNS = graphql(`
  query CliRuns($model: String, $first: Int) {
    inferenceRuns(model: $model, first: $first) {
      edges {
        node {
          id
          model
          status
          provider
          requestedProvider
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
          totalMs
          runMs
          createdAt
          errorCode
          errorMessage
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

/** `runs`: the inference history, newest first. */
export function runsCommand(run: Runner): Command {
  return new Command("runs")
    .description("the inference history, newest first")
    .option("-m, --model <ref>", "only runs of this model")
    .option("-n, --limit <n>", "runs to show, 1 to 100", integerIn(1, 100), 20)
    .action((options: { model?: string; limit: number }, command: Command) =>
      run(command, async (cli) => {
        const { inferenceRuns } = await cli.client.request(RUNS, { model: options.model, first: options.limit });
        const nodes = inferenceRuns.edges.map((edge) => edge.node);
        if (cli.json) {
          cli.printJson({ runs: nodes, hasNextPage: inferenceRuns.pageInfo.hasNextPage });
          return 0;
        }
        if (nodes.length === 0) {
          cli.print("No inference runs yet.");
          return 0;
        }
        const rows = nodes.map((r) => [
          r.id,
          r.model,
          r.status.toLowerCase(),
          r.provider ?? r.requestedProvider,
          r.inputs.map((t) => `${t.name}${shape(t.shape)}`).join(" "),
          r.outputs.map((t) => `${t.name}${shape(t.shape)}`).join(" ") || NONE,
          duration(r.totalMs),
          date(r.createdAt, true),
          r.errorCode ?? NONE,
        ]);
        cli.print(
          cli.table(["ID", "MODEL", "STATUS", "PROVIDER", "INPUTS", "OUTPUTS", "TIME", "CREATED", "ERROR"], rows, [6]),
        );
        return 0;
      }),
    );
}
