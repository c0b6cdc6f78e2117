/**
 * `GatewayError`: expected failures as a typed result of mutations, with the facts a client can act on.
 */
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../domain/errors.js";
import { builder } from "./builder.js";
import { ErrorCodeEnum } from "./error-code.js";

/** Expected failures as a typed result of mutations (the errors plugin matches GatewayError and subclasses). */
builder.objectType(GatewayError, {
  name: "GatewayError",
  description: "An expected failure: a stable code, a message for people, and the facts a client can act on.",
  fields: (t) => ({
    code: t.field({
      type: ErrorCodeEnum,
      description: "What went wrong, as a stable code.",
      resolve: (error) => error.code,
    }),
    message: t.exposeString("message", { description: "What went wrong and what is accepted, for people." }),
    // Named apart from Pull.ref and Pull.registry (non-null there), so a client can select both
    // sides of a result union without a field conflict.
    registryName: t.string({
      nullable: true,
      description: "The registry involved, when one is.",
      resolve: (error) => error.details.registry ?? null,
    }),
    modelRef: t.string({
      nullable: true,
      description: "The model reference involved, when one is.",
      resolve: (error) => error.details.ref ?? null,
    }),
    retryAfterSeconds: t.int({
      nullable: true,
      description: "When rate limited, how long to wait before retrying.",
      resolve: (error) => error.details.retryAfterSeconds ?? null,
    }),
    accessUrl: t.string({
      nullable: true,
      description: "Where a person can request access to a gated model.",
      resolve: (error) => error.details.accessUrl ?? null,
    }),
    field: t.string({
      nullable: true,
      description: "The argument or input field at fault.",
      resolve: (error) => error.details.field ?? null,
    }),
    path: t.string({
      nullable: true,
      description: "The file of the model involved, when one is.",
      resolve: (error) => error.details.path ?? null,
    }),
  }),
});

/** The errors option of a mutation answering `<name>Result = <its type> | GatewayError`. */
export function gatewayErrors(name: string, description: string) {
  return { types: [GatewayError], directResult: true, union: { name: `${name}Result`, description } };
}

/**
 * Runs a mutation whose expected failures are answered as typed results (not GraphQL errors), and
 * counts each such failure with the request's error codes, as GraphQL errors are counted.
 */
export async function answeringFailures<T>(ctx: GatewayContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GatewayError) ctx.observed?.codes.push(error.code);
    throw error;
  }
}
