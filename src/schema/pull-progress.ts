/**
 * `pullProgress`: a pull's progress as a subscription (server-sent events), from any replica.
 */
import type { PullProgress } from "../domain/pull-status.js";
import { builder } from "./builder.js";
import { ErrorCodeEnum } from "./error-code.js";
import { PullStatusEnum } from "./pull.js";

const PullProgressObject = builder.objectRef<PullProgress>("PullProgress").implement({
  description: "One moment of a pull, as pullProgress sends it.",
  fields: (t) => ({
    pullId: t.exposeID("pullId", { description: "The pull's id." }),
    status: t.field({ type: PullStatusEnum, description: "Where the pull stands.", resolve: (p) => p.status }),
    bytesDone: t.field({ type: "SafeInt", description: "Bytes in place so far.", resolve: (p) => p.bytesDone }),
    bytesTotal: t.field({ type: "SafeInt", description: "Bytes of all its files.", resolve: (p) => p.bytesTotal }),
    bytesPerSecond: t.float({
      nullable: true,
      description: "Download speed over the last few seconds; null when nothing is being transferred.",
      resolve: (p) => p.bytesPerSecond,
    }),
    etaSeconds: t.float({
      nullable: true,
      description: "Seconds left at the current speed; null when there is no speed to go by.",
      resolve: (p) => p.etaSeconds,
    }),
    currentFile: t.string({
      nullable: true,
      description: "The file bytes arrived for last, while the pull runs.",
      resolve: (p) => p.currentFile,
    }),
    filesDone: t.int({ description: "Files in place (verified or cached).", resolve: (p) => p.filesDone }),
    filesTotal: t.int({ description: "Files the pull brings.", resolve: (p) => p.filesTotal }),
    errorCode: t.field({
      type: ErrorCodeEnum,
      nullable: true,
      description: "Why it failed, in the final event of a FAILED pull.",
      resolve: (p) => p.errorCode,
    }),
    errorMessage: t.string({
      nullable: true,
      description: "Why it failed, for people.",
      resolve: (p) => p.errorMessage,
    }),
  }),
});

builder.subscriptionField("pullProgress", (t) =>
  t.field({
    type: PullProgressObject,
    description:
      "A pull's progress, over server-sent events (Accept: text/event-stream): the current state at once, then at most four events a second while it runs, ending with its final status.",
    args: { id: t.arg.id({ required: true, description: "The pull's id." }) },
    subscribe: (_root, { id }, { services, signal }) => services.pulls.watch(String(id), signal),
    resolve: (progress) => progress,
  }),
);
