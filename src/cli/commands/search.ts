import { Command, Option } from "commander";
import { graphql } from "../../client/graphql.js";
import { bytes, count, date, NONE } from "../format.js";
import { collect, integerIn, oneOf } from "../options.js";
import type { Runner } from "../program.js";

const FORMATS = [
  "ONNX",
  "SAFETENSORS",
  "PYTORCH",
  "GGUF",
  "TENSORFLOW",
  "TFLITE",
  "TFJS",
  "KERAS",
  "JAX",
  "OTHER",
] as const;
const SORTS = ["RELEVANCE", "DOWNLOADS", "LIKES", "UPDATED", "NAME"] as const;

const SEARCH = graphql(`
  query CliSearch(
    $query: String
    $registries: [String!]
    $filter: ModelFilter
    $sort: ModelSort
    $first: Int
    $after: String
  ) {
    searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
      edges {
        node {
          ref
          name
          format
          task
          sizeBytes
          downloads
          updatedAt
          accessStatus
          cached
        }
      }
      failures {
        registry
        code
        message
        retryAfterSeconds
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

interface SearchOptions {
  registry?: string[];
  format?: (typeof FORMATS)[number];
  task?: string;
  sort: (typeof SORTS)[number];
  limit: number;
  after?: string;
}

/** `search <words>`: one table of the models every selected registry found, failed registries under it. */
export function searchCommand(run: Runner): Command {
  return new Command("search")
    .description("search every registry at once (or those --registry names)")
    .argument("[words...]", "words to look for in names, tags and descriptions; none lists models")
    .option("-r, --registry <name>", "search this registry (repeat for several; default: all enabled)", collect)
    .addOption(
      new Option("-f, --format <format>", `only this weight format: ${FORMATS.join(", ").toLowerCase()}`).argParser(
        oneOf(FORMATS),
      ),
    )
    .option("-t, --task <task>", 'only this task, e.g. "image-classification"')
    .addOption(
      new Option("-s, --sort <order>", `order: ${SORTS.join(", ").toLowerCase()}`)
        .argParser(oneOf(SORTS))
        .default("RELEVANCE", "relevance"),
    )
    .option("-n, --limit <n>", "results to show, 1 to 100", integerIn(1, 100), 20)
    .option("--after <cursor>", "continue after this cursor (a previous search's last line names it)")
    .action((words: string[], options: SearchOptions, command: Command) =>
      run(command, async (cli) => {
        const filter = options.format || options.task ? { format: options.format, task: options.task } : undefined;
        const { searchModels } = await cli.client.request(SEARCH, {
          query: words.length > 0 ? words.join(" ") : undefined,
          registries: options.registry,
          filter,
          sort: options.sort,
          first: options.limit,
          after: options.after,
        });
        const models = searchModels.edges.map((edge) => edge.node);
        if (cli.json) {
          cli.printJson({ models, failures: searchModels.failures, pageInfo: searchModels.pageInfo });
          return 0;
        }
        if (models.length === 0) cli.print("No models found.");
        else {
          const rows = models.map((m) => [
            m.ref,
            m.format.toLowerCase(),
            m.task ?? NONE,
            bytes(m.sizeBytes),
            count(m.downloads),
            date(m.updatedAt),
            m.accessStatus.toLowerCase() + (m.cached ? ", cached" : ""),
          ]);
          cli.print(cli.table(["REF", "FORMAT", "TASK", "SIZE", "DOWNLOADS", "UPDATED", "ACCESS"], rows, [3, 4]));
        }
        for (const failure of searchModels.failures) {
          const wait = failure.retryAfterSeconds ? ` (retry in ${failure.retryAfterSeconds}s)` : "";
          cli.print(cli.style("yellow", `failed: ${failure.registry} ${failure.code}: ${failure.message}${wait}`));
        }
        if (searchModels.pageInfo.hasNextPage && searchModels.pageInfo.endCursor) {
          cli.print(cli.style("dim", `more: --after ${searchModels.pageInfo.endCursor}`));
        }
        return 0;
      }),
    );
}
