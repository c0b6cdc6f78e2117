/**
 * `Model.accessStatus` and its gate: whether the gateway can download a model's files, known
 * before any download.
 */
import type { AccessStatus, GateKind } from "../domain/model.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import { lookupOf, ModelObject } from "./model.js";

const ACCESS_STATUSES: Record<AccessStatus, string> = {
  PUBLIC: "Anyone may download it.",
  GATED: "Gated, and the gateway's token has been granted access: downloads work.",
  PRIVATE: "Private, and the gateway's token can read it.",
  REQUIRES_TOKEN: "Gated: downloads need a token that has been granted access, and none is configured.",
  DENIED: "Gated, and the gateway's token has not been granted access: request it at pageUrl.",
};

const AccessStatusEnum = describedEnum(
  "AccessStatus",
  "Whether the gateway can download a model's files, known before any download.",
  ACCESS_STATUSES,
);

const GateKindEnum = describedEnum("GateKind", "How a gated model grants access requests.", {
  AUTOMATIC: "Requests are granted at once, after accepting the model's conditions.",
  MANUAL: "The model's authors review each request.",
} satisfies Record<GateKind, string>);

builder.objectFields(ModelObject, (t) => ({
  accessStatus: t.field({
    type: AccessStatusEnum,
    description: "Whether its files can be downloaded with the gateway's token (PUBLIC for local models).",
    resolve: async (view, _args, ctx) =>
      view.summary.accessStatus ?? (await lookupOf(view, ctx)).info.accessStatus ?? "PUBLIC",
  }),
  gateKind: t.field({
    type: GateKindEnum,
    nullable: true,
    description: "How access to a gated model is granted; null when it is not gated.",
    resolve: (view) => view.summary.gateKind ?? null,
  }),
  pageUrl: t.string({
    nullable: true,
    description: "The model's page on its registry's website, where access to a gated model is requested.",
    resolve: (view) => view.summary.pageUrl ?? null,
  }),
  onnxFiles: t.stringList({
    description: "Paths of the ONNX graphs among its files (empty when it has none).",
    resolve: async (view, _args, ctx) =>
      (await lookupOf(view, ctx)).info.files.map((file) => file.path).filter((path) => /\.onnx$/i.test(path)),
  }),
}));
