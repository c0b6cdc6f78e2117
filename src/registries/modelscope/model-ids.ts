import { InvalidInput } from "../../domain/errors.js";

/** A ModelScope model id, `<owner>/<name>`, split. */
export interface ModelScopeId {
  owner: string;
  name: string;
}

export const MODEL_ID_FORM = "`<owner>/<name>`, e.g. modelscope:iic/nlp_bert_backbone_base_std";

/**
 * The shapes ModelScope's owners and model names take (`Qwen`, `AI-ModelScope`,
 * `Qwen2.5-0.5B-Instruct`, `nlp_bert_backbone_base_std`), checked here so that a bad id costs no
 * request and nothing in it can reshape the URL it goes into.
 */
const ID_RULES: ReadonlyArray<[test: (id: string) => boolean, rule: string]> = [
  [(id) => id.split("/").length === 2, "ids have exactly one `/`, between the owner and the name"],
  [(id) => id.length <= 160, "ids have at most 160 characters"],
  [(id) => /^[A-Za-z0-9_.\-/]+$/.test(id), "ids use only letters, digits, `-`, `_` and `.` (and one `/`)"],
  [
    (id) => id.split("/").every((part) => /^[A-Za-z0-9_](?:.*[A-Za-z0-9_])?$/.test(part)),
    "the owner and the name each start and end with a letter, digit or `_`",
  ],
  [(id) => !id.includes(".."), "ids contain no `..`"],
];

/** Git's ref-name rules that matter in a query parameter; branches, tags and commit ids pass. */
const REVISION_RULES: ReadonlyArray<[test: (revision: string) => boolean, rule: string]> = [
  [(rev) => rev.length <= 255, "revisions have at most 255 characters"],
  [(rev) => !/[~^:?*[\\\]\s]/.test(rev), "revisions contain no whitespace and none of ~ ^ : ? * [ ] \\"],
  [(rev) => !rev.includes("..") && !rev.includes("//"), "revisions contain no `..` or `//`"],
  [
    (rev) => !/^[/.-]|[/.]$|\.lock$/.test(rev),
    "revisions neither start with `/`, `.` or `-` nor end with `/`, `.` or `.lock`",
  ],
];

/** Splits `id`, or throws BAD_USER_INPUT naming the first rule it breaks. */
export function parseModelId(id: string): ModelScopeId {
  const broken = ID_RULES.find(([test]) => !test(id));
  if (broken) {
    throw new InvalidInput(`Invalid ModelScope model id "${id}": ${broken[1]}. Expected ${MODEL_ID_FORM}.`, {
      field: "ref",
    });
  }
  const [owner, name] = id.split("/") as [string, string];
  return { owner, name };
}

/** Throws BAD_USER_INPUT naming the first rule `revision` breaks. */
export function validateRevision(revision: string): void {
  const broken = REVISION_RULES.find(([test]) => !test(revision));
  if (broken) {
    throw new InvalidInput(
      `Invalid revision "${revision}": ${broken[1]}. Expected a branch, tag or commit id, e.g. modelscope:owner/name@master.`,
      { field: "ref" },
    );
  }
}

/** A full commit id, which names a revision that never moves. */
export function isCommitId(revision: string | null): revision is string {
  return revision !== null && /^[0-9a-f]{40}$/.test(revision);
}

/** The model's path under `/api/v1/models/`. */
export function modelPath(id: ModelScopeId): string {
  return `${encodeURIComponent(id.owner)}/${encodeURIComponent(id.name)}`;
}

/**
 * ModelScope's file download endpoint, as its SDK builds it:
 * `/api/v1/models/<owner>/<name>/repo?Revision=<revision>&FilePath=<path>`, both values
 * form-encoded (Python's quote_plus, which URLSearchParams matches).
 */
export function fileDownloadPath(id: ModelScopeId, revision: string, path: string): string {
  return `/api/v1/models/${modelPath(id)}/repo?${new URLSearchParams({ Revision: revision, FilePath: path })}`;
}
