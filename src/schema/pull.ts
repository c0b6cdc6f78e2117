/**
 * Pulls: `Pull` and `PullFile` (history with where each file's bytes came from), `pullModel`,
 * `cancelPull` and the `pull` and `pulls` queries.
 */
import type { FileSource, PullFileStatus } from "../db/pull-store.js";
import type { ErrorCode } from "../domain/errors.js";
import { parseModelRef } from "../domain/model-ref.js";
import type { PullStatus } from "../domain/pull-status.js";
import { DEFAULT_PATTERNS } from "../services/pulls/file-selection.js";
import { builder } from "./builder.js";
import { describedEnum } from "./described-enum.js";
import { ErrorCodeEnum } from "./error-code.js";
import { answeringFailures, gatewayErrors } from "./gateway-error.js";
import { checkPageSize, MAX_HISTORY_PAGE } from "./page-size.js";

const STATUS_DESCRIPTIONS: Record<PullStatus, string> = {
  QUEUED: "Accepted; its transfers have not started.",
  RUNNING: "Transferring files.",
  SUCCEEDED: "Every file is in the cache, verified.",
  FAILED: "Stopped by an error (errorCode, errorMessage); partial data of dropped transfers is kept for the next pull.",
  CANCELLED: "Stopped by cancelPull.",
  INTERRUPTED: "Cut off by a shutdown or crash; pulling again resumes from the partial files.",
};

const FILE_STATUS_DESCRIPTIONS: Record<PullFileStatus, string> = {
  PENDING: "Not in place yet: waiting for a transfer slot, or stopped with its pull.",
  DOWNLOADING: "Being transferred (shown while the pull runs).",
  VERIFIED: "Downloaded, and its size and sha256 checked.",
  CACHED: "Already in the cache; nothing was downloaded.",
  FAILED: "Its transfer failed; the pull's error says why.",
};

export const PullStatusEnum = describedEnum("PullStatus", "Where a pull stands.", STATUS_DESCRIPTIONS);

const PullFileStatusEnum = describedEnum(
  "PullFileStatus",
  "Where one file of a pull stands.",
  FILE_STATUS_DESCRIPTIONS,
);

const FileSourceObject = builder.objectRef<FileSource>("FileSource").implement({
  description: "Where a pulled file's bytes came from: a file of a model, in this or another registry.",
  fields: (t) => ({
    model: t.exposeString("ref", { description: "The model's reference at the revision its bytes came from." }),
    path: t.exposeString("path", { description: "The file's path inside that model." }),
  }),
});

builder.prismaObject("PullFile", {
  description: "One file of a pull, with its own progress.",
  fields: (t) => ({
    sources: t.field({
      type: [FileSourceObject],
      description:
        "Where its bytes came from, in order: its own registry, then any other holding the same sha256 that the download failed over to. Empty for a file found in the cache.",
      resolve: (file, _args, { services }) =>
        services.pulls.live(file.pullId)?.files.get(file.path)?.sources ?? (file.sources as unknown as FileSource[]),
    }),
    path: t.exposeString("path", { description: "Path inside the model, with forward slashes." }),
    sizeBytes: t.field({
      type: "SafeInt",
      nullable: true,
      description: "Size in bytes (as the registry lists it, or as downloaded when it did not).",
      resolve: (file) => (file.sizeBytes === null ? null : Number(file.sizeBytes)),
    }),
    sha256: t.string({
      nullable: true,
      description: "Lower-case hex sha256: the registry's, or the one computed while downloading.",
      resolve: (file) => file.sha256,
    }),
    status: t.field({
      type: PullFileStatusEnum,
      description: "Where the file stands.",
      resolve: (file, _args, { services }) =>
        services.pulls.live(file.pullId)?.files.get(file.path)?.status ?? (file.status as PullFileStatus),
    }),
    bytesDone: t.field({
      type: "SafeInt",
      description: "Bytes of it on disk (a resumed partial file's included).",
      resolve: (file, _args, { services }) =>
        services.pulls.live(file.pullId)?.files.get(file.path)?.bytesDone ?? Number(file.bytesDone),
    }),
  }),
});

export const PullObject = builder.prismaObject("Pull", {
  description: "One pull of a model's files into the cache, kept as history.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Identifies the pull (for pull, cancelPull and pullProgress)." }),
    ref: t.exposeString("ref", { description: "The model reference as asked for." }),
    registry: t.exposeString("registry", { description: "The registry the files come from." }),
    modelId: t.exposeString("modelId", { description: "The model's id in that registry." }),
    requestedRevision: t.exposeString("requestedRevision", {
      nullable: true,
      description: "The revision asked for; null for the registry's default.",
    }),
    resolvedRevision: t.exposeString("resolvedRevision", {
      nullable: true,
      description: "The commit (or the registry's equivalent) every file was pulled at.",
    }),
    patterns: t.stringList({
      description: `The glob patterns asked for; empty when the pull took the default (${DEFAULT_PATTERNS.join(", ")}, or every file of a model without ONNX files).`,
      resolve: (pull) => pull.patterns as string[],
    }),
    force: t.exposeBoolean("force", { description: "Whether cached files were downloaded again." }),
    status: t.field({
      type: PullStatusEnum,
      description: "Where the pull stands.",
      resolve: (pull, _args, { services }) => services.pulls.live(pull.id)?.status ?? (pull.status as PullStatus),
    }),
    files: t.relation("files", { description: "Its files, by path.", query: { orderBy: { path: "asc" } } }),
    bytesTotal: t.field({
      type: "SafeInt",
      description: "Bytes of all its files (those whose size the registry omits count once downloaded).",
      resolve: (pull, _args, { services }) => services.pulls.live(pull.id)?.bytesTotal ?? Number(pull.bytesTotal),
    }),
    bytesSkipped: t.field({
      type: "SafeInt",
      select: { files: { select: { status: true, sizeBytes: true } } },
      description:
        "Bytes of its files the cache already held, under this or any other model with the same sha256: linked into place, not downloaded.",
      resolve: (pull, _args, { services }) => {
        const live = services.pulls.live(pull.id);
        const files = live
          ? [...live.files.values()].map((file) => ({ status: file.status, size: file.sizeBytes ?? 0 }))
          : pull.files.map((file) => ({ status: file.status, size: Number(file.sizeBytes ?? 0) }));
        return files.filter((file) => file.status === "CACHED").reduce((sum, file) => sum + file.size, 0);
      },
    }),
    bytesDone: t.field({
      type: "SafeInt",
      description: "Bytes of its files in the cache or on disk so far.",
      resolve: (pull, _args, { services }) => services.pulls.live(pull.id)?.bytesDone ?? Number(pull.bytesDone),
    }),
    attempts: t.int({
      description:
        "Tries its transfers took: 1, plus one per automatic retry (a dropped connection resumed, a server error).",
      resolve: (pull, _args, { services }) => services.pulls.live(pull.id)?.attempts ?? pull.attempts,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was asked for." }),
    startedAt: t.expose("startedAt", {
      type: "DateTime",
      nullable: true,
      description: "When its transfers started (or, for a pull of cached files, when it was checked).",
    }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true, description: "When it ended." }),
    durationMs: t.float({
      nullable: true,
      description: "From start to end (to now while it runs), in milliseconds.",
      resolve: (pull) => durationMs(pull),
    }),
    meanBytesPerSecond: t.float({
      nullable: true,
      description: "bytesDone over the duration; null before it has run for any time.",
      resolve: (pull, _args, { services }) => {
        const ms = durationMs(pull);
        const done = services.pulls.live(pull.id)?.bytesDone ?? Number(pull.bytesDone);
        return ms ? (done * 1000) / ms : null;
      },
    }),
    errorCode: t.field({
      type: ErrorCodeEnum,
      nullable: true,
      description: "Why it failed, as a stable code; null unless FAILED (and for unexpected failures).",
      resolve: (pull) => pull.errorCode as ErrorCode | null,
    }),
    errorMessage: t.exposeString("errorMessage", { nullable: true, description: "Why it failed, for people." }),
  }),
});

function durationMs(pull: { startedAt: Date | null; finishedAt: Date | null }): number | null {
  if (!pull.startedAt) return null;
  return (pull.finishedAt ?? new Date()).getTime() - pull.startedAt.getTime();
}

builder.queryFields((t) => ({
  pull: t.prismaField({
    type: "Pull",
    nullable: true,
    description: "One pull by id; null when there is none.",
    args: { id: t.arg.id({ required: true, description: "The pull's id." }) },
    resolve: (query, _root, { id }, { services }) => services.pulls.history.findWith(query, String(id)),
  }),
  pulls: t.prismaConnection(
    {
      type: "Pull",
      cursor: "id",
      defaultSize: 20,
      maxSize: MAX_HISTORY_PAGE,
      description: "The pull history, newest first.",
      args: {
        status: t.arg({ type: PullStatusEnum, description: "Only pulls in this state." }),
        registry: t.arg.string({ description: "Only pulls from this registry." }),
        model: t.arg.string({
          description: "Only pulls of the model with this id (with `registry`, of one registry).",
        }),
      },
      resolve: (query, _root, args, { services }) => {
        checkPageSize(args);
        return services.pulls.history.list(query, {
          status: args.status,
          registry: args.registry,
          modelId: args.model,
        });
      },
    },
    { name: "PullConnection", description: "A page of the pull history." },
    { name: "PullEdge", description: "One pull and the cursor after it." },
  ),
}));

builder.mutationFields((t) => ({
  pullModel: t.field({
    type: PullObject,
    errors: gatewayErrors(
      "PullModel",
      "The pull, started (or done, when its files were cached), or why it could not start.",
    ),
    description:
      "Starts pulling a model's files into the cache and answers at once with the pull (QUEUED or RUNNING; SUCCEEDED when every file is already cached). Follow it with pullProgress.",
    args: {
      ref: t.arg.string({ required: true, description: "The model reference, `<registry>:<id>[@<revision>]`." }),
      files: t.arg.stringList({
        description: `Glob patterns of the files to pull (a pattern without a slash matches a file name at any depth). Default: what inference needs (${DEFAULT_PATTERNS.join(", ")}), or every file of a model without ONNX files.`,
      }),
      force: t.arg.boolean({ description: "Download and verify again files that are already cached." }),
    },
    authScopes: { pull: true },
    resolve: (_root, args, context) =>
      answeringFailures(context, async () => {
        const { services, signal } = context;
        await services.mutationLimiter.consume(context, "pullModel");
        return services.pulls.start(
          { ref: parseModelRef(args.ref), files: args.files ?? null, force: args.force ?? false },
          signal,
        );
      }),
  }),
  cancelPull: t.field({
    type: PullObject,
    errors: gatewayErrors("CancelPull", "The cancelled pull, or why it could not be cancelled."),
    description: "Stops a QUEUED or RUNNING pull; its partial files stay, so pulling again resumes them.",
    args: { id: t.arg.id({ required: true, description: "The pull's id." }) },
    authScopes: { pull: true },
    resolve: (_root, { id }, ctx) => answeringFailures(ctx, () => ctx.services.pulls.cancel(String(id))),
  }),
}));
