/**
 * Assembles the schema: imports every type module for its side effects on the builder, then builds.
 */
import { builder } from "./builder.js";
import "./error-code.js";
import "./registry.js";
import "./model.js";
import "./model-access.js";
import "./search.js";
import "./gateway-error.js";
import "./run-inference.js";
import "./inference-run.js";
import "./runtime.js";
import "./pull.js";
import "./model-pulls.js";
import "./pull-progress.js";
import "./cache.js";
import "./artifact.js";

/** The gateway's GraphQL schema (Pothos sorts its types, so the printed form is stable). */
export const schema = builder.toSchema();
