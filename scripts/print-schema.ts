import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { printedSchema } from "../src/schema/print.js";

// `npm run schema:print`: rewrites schema.graphql from the code, then the typed clients' view of it
// (src/client/graphql-env.d.ts); tests fail while either is stale.
writeFileSync(new URL("../schema.graphql", import.meta.url), printedSchema());
execFileSync(
  process.execPath,
  [new URL("../node_modules/gql.tada/bin/cli.js", import.meta.url).pathname, "generate-output"],
  {
    stdio: "inherit",
  },
);
