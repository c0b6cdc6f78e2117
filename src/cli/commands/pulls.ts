import { Command, Option } from "commander";
import { graphql } from "../../client/graphql.js";
import { bytes, date, duration, NONE, speed } from "../format.js";
import { integerIn, oneOf } from "../options.js";
import type { Runner } from "../program.js";

const STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"] as const;

const PULLS = graphql(`
  query CliPulls($status: PullStatus, $registry: String, $first: Int) {
    pulls(status: $status, registry: $registry, first: $first) {
      edges {
        node {
          id
          ref
          status
          bytesDone
          bytesTotal
          durationMs
          meanBytesPerSecond
          attempts
          createdAt
          resolvedRevision
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

/** `pulls`: the pull history, newest first. */
export function pullsCommand(run: Runner): Command {
  return new Command("pulls")
    .description("the pull history, newest first")
    .addOption(
      new Option("--status <status>", `only pulls in this state: ${STATUSES.join(", ").toLowerCase()}`).argParser(
        oneOf(STATUSES),
      ),
    )
    .option("-r, --registry <name>", "only pulls from this registry")
    .option("-n, --limit <n>", "pulls to show, 1 to 100", integerIn(1, 100), 20)
    .action((options: { status?: (typeof STATUSES)[number]; registry?: string; limit: number }, command: Command) =>
      run(command, async (cli) => {
        const { pulls } = await cli.client.request(PULLS, {
          status: options.status,
          registry: options.registry,
          first: options.limit,
        });
        const nodes = pulls.edges.map((edge) => edge.node);
        if (cli.json) {
          cli.printJson({ pulls: nodes, hasNextPage: pulls.pageInfo.hasNextPage });
          return 0;
        }
        if (nodes.length === 0) {
          cli.print("No pulls yet.");
          return 0;
        }
        const rows = nodes.map((p) => [
          p.id,
          p.ref,
          p.status.toLowerCase(),
          p.bytesDone === p.bytesTotal ? bytes(p.bytesTotal) : `${bytes(p.bytesDone)} / ${bytes(p.bytesTotal)}`,
          duration(p.durationMs),
          speed(p.meanBytesPerSecond),
          date(p.createdAt, true),
          p.errorCode ?? NONE,
        ]);
        cli.print(cli.table(["ID", "REF", "STATUS", "SIZE", "TIME", "SPEED", "CREATED", "ERROR"], rows, [3, 4, 5]));
        return 0;
      }),
    );
}
