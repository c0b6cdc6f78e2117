import { GatewayError } from "../errors.js";
import { builder } from "./builder.js";
import { ErrorCodeEnum } from "./error-code.js";

/**
 * The error member of mutations' result unions (Pothos's errors plugin): every expected failure
 * (a GatewayError and its subclasses) is answered as this object instead of a top-level error.
 */
export const GatewayErrorObject = builder.objectType(GatewayError, {
  name: "GatewayError",
  description: "An expected failure: a stable code, a message for people, and the facts a client can act on.",
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: "What went wrong, as a stable code.", resolve: (e) => e.code }),
    message: t.exposeString("message", { description: "What went wrong and what is accepted, for people." }),
    registry: t.string({
      nullable: true,
      description: "The registry involved.",
      resolve: (e) => e.details.registry ?? null,
    }),
    ref: t.string({
      nullable: true,
      description: "The model reference involved.",
      resolve: (e) => e.details.ref ?? null,
    }),
    path: t.string({
      nullable: true,
      description: "The file of the model involved.",
      resolve: (e) => e.details.path ?? null,
    }),
    field: t.string({
      nullable: true,
      description: "The argument at fault, for BAD_USER_INPUT.",
      resolve: (e) => e.details.field ?? null,
    }),
    retryAfterSeconds: t.int({
      nullable: true,
      description: "When rate limited, how long to wait before retrying.",
      resolve: (e) => e.details.retryAfterSeconds ?? null,
    }),
    accessUrl: t.string({
      nullable: true,
      description: "Where to request access to a gated model.",
      resolve: (e) => e.details.accessUrl ?? null,
    }),
  }),
});

/** The errors option of a mutation field that answers `<Name>Result = <Type> | GatewayError`. */
export function gatewayErrors(name: string, description: string) {
  return { types: [GatewayError], directResult: true, union: { name: `${name}Result`, description } };
}
