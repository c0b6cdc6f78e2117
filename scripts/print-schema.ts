import { writeFileSync } from "node:fs";
import { printedSchema } from "../src/schema/print.js";

// `npm run schema:print`: rewrites schema.graphql from the code (tests fail while it is stale).
writeFileSync(new URL("../schema.graphql", import.meta.url), printedSchema());
