import { Command } from "commander";
import { graphql } from "../../client/graphql.js";
import { refusal } from "../exit.js";
import { bytes, plural } from "../format.js";
import type { Runner } from "../program.js";

const REMOVE = graphql(`
  mutation CliRemove($ref: String!) {
    removeModel(ref: $ref) {
      __typename
      ... on RemovedModel {
        ref
        files
        bytesFreed
      }
      ... on GatewayError {
        code
        message
        field
        modelRef
      }
    }
  }
`);

/** `rm <ref>`: removes a model (every revision) from the gateway's cache; needs the admin scope. */
export function rmCommand(run: Runner): Command {
  return new Command("rm")
    .description("remove a model (every revision) from the gateway's cache; files another model shares stay")
    .argument("<ref>", "model reference, <registry>:<id>")
    .action((ref: string, _options: unknown, command: Command) =>
      run(command, async (cli) => {
        const { removeModel } = await cli.client.request(REMOVE, { ref });
        if (removeModel.__typename === "GatewayError") throw refusal(removeModel);
        if (cli.json) cli.printJson(removeModel);
        else
          cli.print(
            `Removed ${removeModel.ref}: ${plural(removeModel.files, "file")}, ${bytes(removeModel.bytesFreed)} freed`,
          );
        return 0;
      }),
    );
}
