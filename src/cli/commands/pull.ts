import { Command } from "commander";
import { graphql } from "../../client/graphql.js";
import { CancelPull, PullProgress } from "../../client/pull-documents.js";
import type { CliContext } from "../context.js";
import { EXIT, GatewayRefusal, refusal } from "../exit.js";
import { bytes, duration, plural, speed } from "../format.js";
import { catchInterrupt, confirm } from "../interrupt.js";
import type { Runner } from "../program.js";
import { type PullProgressEvent, type PullView, pullView } from "../pull-view.js";

const PULL = graphql(`
  mutation CliPull($ref: String!, $files: [String!], $force: Boolean) {
    pullModel(ref: $ref, files: $files, force: $force) {
      __typename
      ... on Pull {
        id
        ref
      }
      ... on GatewayError {
        code
        message
        field
        modelRef
        registryName
        path
        accessUrl
        retryAfterSeconds
      }
    }
  }
`);

const SUMMARY = graphql(`
  query CliPullSummary($id: ID!) {
    pull(id: $id) {
      resolvedRevision
      durationMs
      meanBytesPerSecond
    }
  }
`);

/** `pull <ref>`: starts a pull and follows it to its end; Ctrl-C asks whether to cancel it or leave it running. */
export function pullCommand(run: Runner): Command {
  return new Command("pull")
    .description("pull a model's files into the gateway's cache, with a progress bar (NDJSON events with --json)")
    .argument("<ref>", "model reference, <registry>:<id>[@<revision>]")
    .option(
      "--files <glob...>",
      'only these files (globs; default: what inference needs), e.g. --files "*.onnx" config.json',
    )
    .option("--force", "download and verify again files already cached")
    .action((ref: string, options: { files?: string[]; force?: boolean }, command: Command) =>
      run(command, async (cli) => {
        const { pullModel } = await cli.client.request(PULL, { ref, files: options.files, force: options.force });
        if (pullModel.__typename === "GatewayError") throw refusal(pullModel);
        const view = pullView(cli, pullModel.ref);
        const interruption = catchInterrupt();
        const seen: Seen = { last: null };
        const following = follow(cli, pullModel.id, view, seen);
        try {
          const outcome = await Promise.race([following, interruption.caught]);
          if (outcome === "interrupted") {
            following.catch(() => undefined);
            view.stop();
            // Ctrl-C after the final event, before the stream closed: the pull has ended, say how.
            if (seen.last && ENDED.has(seen.last.status)) return await finished(cli, seen.last, pullModel.ref);
            return await interrupted(cli, pullModel.id);
          }
          view.stop();
          return await finished(cli, outcome, pullModel.ref);
        } finally {
          interruption.dispose();
        }
      }),
    );
}

/** A pull's states that no event follows. */
const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]);

/** The last progress event seen so far. */
interface Seen {
  last: PullProgressEvent | null;
}

/** Feeds the view from pullProgress until the gateway completes the stream; answers the last event. */
async function follow(cli: CliContext, id: string, view: PullView, seen: Seen): Promise<PullProgressEvent> {
  for await (const { pullProgress } of cli.client.subscribe(PullProgress, { id })) {
    seen.last = pullProgress;
    view.update(pullProgress);
  }
  if (!seen.last) throw new Error("The gateway ended the pull's progress stream without any event.");
  return seen.last;
}

/** Exit 0 with a summary when every file is in place, or the pull's own error code. */
async function finished(cli: CliContext, last: PullProgressEvent, ref: string): Promise<number> {
  if (last.status !== "SUCCEEDED") {
    throw new GatewayRefusal(last.errorCode ?? last.status, last.errorMessage ?? `The pull ended ${last.status}.`, {
      pullId: last.pullId,
    });
  }
  if (cli.json) return EXIT.ok;
  const { pull } = await cli.client.request(SUMMARY, { id: last.pullId });
  const rate = pull?.meanBytesPerSecond ? ` (${speed(pull.meanBytesPerSecond)})` : "";
  cli.print(
    `Pulled ${pinned(ref, pull?.resolvedRevision)}: ${plural(last.filesTotal, "file")}, ${bytes(last.bytesTotal)} in ${duration(pull?.durationMs)}${rate}`,
  );
  return EXIT.ok;
}

/** Ctrl-C: on a terminal, ask whether to cancel the pull; otherwise leave it running. Exit 130 either way. */
async function interrupted(cli: CliContext, id: string): Promise<number> {
  const cancel = await confirm(cli, "\nCancel the pull on the gateway? [y: cancel, Enter: leave it running] ");
  if (!cancel) {
    const message = `Pull ${id} goes on in the gateway; \`model-gateway pulls\` shows how it ends.`;
    if (cli.interactive) cli.note(message);
    else cli.reportFailure({ exitCode: EXIT.interrupted, code: "INTERRUPTED", message, details: { pullId: id } });
    return EXIT.interrupted;
  }
  const { cancelPull } = await cli.client.request(CancelPull, { id });
  if (cancelPull.__typename === "GatewayError") throw refusal(cancelPull);
  cli.note(`Cancelled pull ${id}; its partial files stay, so pulling again resumes them.`);
  return EXIT.interrupted;
}

/**
 * The reference at the revision the pull resolved, to copy into later commands; a branch, tag or
 * alias asked for stays beside it (`mlflow:iris@2 (champion)`). Escaped ids hold no `@`.
 */
function pinned(ref: string, resolved: string | null | undefined): string {
  if (!resolved) return ref;
  const [asked, revision] = ref.split(/@(?=[^@]*$)/);
  if (revision === undefined) return `${ref}@${resolved}`;
  return revision === resolved ? ref : `${asked}@${resolved} (${revision})`;
}
