import { RevisionNotFound } from "../../domain/errors.js";
import type { ApiRevision } from "./api-types.js";
import { isCommitId } from "./model-ids.js";
import { withoutRevision } from "./modelscope-errors.js";

/** ModelScope's default branch, which its SDK reads when no revision is given. */
export const DEFAULT_REVISION = "master";

/** The branches and tags of a model, as `/revisions` lists them. */
export interface RevisionList {
  branches: readonly ApiRevision[];
  tags: readonly ApiRevision[];
}

/** The revision a reference names, checked against those the model has. */
export interface ChosenRevision {
  /** The branch, tag or commit id the files are read at. */
  name: string;
  /** The commit it points at, when already known (a commit id, a tag whose CommitId ModelScope gives). */
  commit: string | null;
  /** Every branch and tag, branches first, in ModelScope's order. */
  available: string[];
}

/**
 * Picks the revision to read, as ModelScope's SDK does without a release date: the one asked for
 * when the model has it (a full commit id is taken as it is), else `master`, or the first branch
 * of a model without one. An unknown revision is REVISION_NOT_FOUND naming those there are.
 */
export function chooseRevision(
  revisions: RevisionList,
  asked: string | null,
  ref: string,
  registry: string,
): ChosenRevision {
  const available = [...revisions.branches, ...revisions.tags].map((revision) => revision.Revision);
  if (asked !== null && isCommitId(asked) && !available.includes(asked)) {
    return { name: asked, commit: asked, available };
  }
  const name =
    asked ??
    (revisions.branches.some((branch) => branch.Revision === DEFAULT_REVISION)
      ? DEFAULT_REVISION
      : (revisions.branches[0]?.Revision ?? DEFAULT_REVISION));
  const known = [...revisions.tags, ...revisions.branches].find((revision) => revision.Revision === name);
  if (!known && (asked !== null || available.length > 0)) {
    const accepted = available.length > 0 ? `it has ${available.join(", ")}` : "it has no branches or tags";
    throw new RevisionNotFound(withoutRevision(ref), name, { registry }, accepted);
  }
  const commit = known?.CommitId?.toLowerCase() ?? null;
  return { name, commit: isCommitId(commit) ? commit : null, available };
}
