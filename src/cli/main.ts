import { EXIT } from "./exit.js";
import { runProgram } from "./program.js";

/**
 * The entry of `model-gateway` (bin/model-gateway.js loads it through tsx). It exits with the
 * verb's code once the verb is done, so a stream or socket left open cannot hold the shell.
 * `serve` never returns here: the gateway's own shutdown exits.
 */

// A reader that stops early (`| head`) closes the pipe: end quietly, as pipelines expect, not
// with a stack trace. A pull being followed goes on in the gateway.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

runProgram(process, process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT.failed);
  },
);
