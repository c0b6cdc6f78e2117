import { Command } from "commander";
import { graphql } from "../../client/graphql.js";
import { bytes, date } from "../format.js";
import type { Runner } from "../program.js";

const CACHE = graphql(`
  query CliCache {
    cache {
      totalBytes
      freeBytes
      models {
        ref
        bytes
        files
        lastUsedAt
      }
    }
  }
`);

/** `cache`: what the gateway's model cache holds and the room left on its disk. */
export function cacheCommand(run: Runner): Command {
  return new Command("cache")
    .description("the gateway's model cache: its models, the bytes they take, the room left")
    .action((_options: unknown, command: Command) =>
      run(command, async (cli) => {
        const { cache } = await cli.client.request(CACHE);
        if (cli.json) {
          cli.printJson(cache);
          return 0;
        }
        cli.print(`${bytes(cache.totalBytes)} in the cache, ${bytes(cache.freeBytes)} free on its disk`);
        if (cache.models.length > 0) {
          const rows = cache.models.map((m) => [m.ref, bytes(m.bytes), String(m.files), date(m.lastUsedAt, true)]);
          cli.print();
          cli.print(cli.table(["REF", "SIZE", "FILES", "LAST USED"], rows, [1, 2]));
        }
        return 0;
      }),
    );
}
