import { InvalidInput } from "../../domain/errors.js";

/** The rules the Hub itself applies to repository ids, checked here so a bad id costs no request. */
const REPO_ID_RULES: ReadonlyArray<[test: (id: string) => boolean, rule: string]> = [
  [(id) => id.length <= 96, "ids have at most 96 characters"],
  [(id) => id.split("/").length <= 2, "ids have at most one `/`, between the author and the name"],
  [(id) => /^[A-Za-z0-9_.\-/]+$/.test(id), "ids use only letters, digits, `-`, `_` and `.` (and one `/`)"],
  [
    (id) => id.split("/").every((part) => /^[A-Za-z0-9_](?:.*[A-Za-z0-9_])?$/.test(part)),
    "the author and the name each start and end with a letter, digit or `_`",
  ],
  [(id) => !id.includes("--") && !id.includes(".."), "ids contain no `--` or `..`"],
  [(id) => !id.endsWith(".git"), "ids do not end in `.git`"],
];

/** Git's ref-name rules that matter for a URL path segment; branches, tags and commits pass. */
const REVISION_RULES: ReadonlyArray<[test: (revision: string) => boolean, rule: string]> = [
  [(rev) => rev.length <= 255, "revisions have at most 255 characters"],
  [(rev) => !/[~^:?*[\\\]]/.test(rev), "revisions contain none of ~ ^ : ? * [ ] \\"],
  [(rev) => !rev.includes("..") && !rev.includes("//"), "revisions contain no `..` or `//`"],
  [
    (rev) => !/^[/.-]|[/.]$|\.lock$/.test(rev),
    "revisions neither start with `/`, `.` or `-` nor end with `/`, `.` or `.lock`",
  ],
];

export const REPO_ID_FORM = "`<author>/<name>` (or a legacy `<name>`), e.g. hf:microsoft/resnet-50";

/** Throws BAD_USER_INPUT naming the first rule of the Hub that `id` breaks. */
export function validateRepoId(id: string): void {
  const broken = REPO_ID_RULES.find(([test]) => !test(id));
  if (broken) {
    throw new InvalidInput(`Invalid Hugging Face repository id "${id}": ${broken[1]}. Expected ${REPO_ID_FORM}.`, {
      field: "ref",
    });
  }
}

/** Throws BAD_USER_INPUT naming the first rule `revision` breaks. */
export function validateRevision(revision: string): void {
  const broken = REVISION_RULES.find(([test]) => !test(revision));
  if (broken) {
    throw new InvalidInput(
      `Invalid revision "${revision}": ${broken[1]}. Expected a branch, tag or commit, e.g. hf:org/name@main.`,
      { field: "ref" },
    );
  }
}

/** A full commit sha, which names a revision that can never move. */
export function isCommitSha(revision: string | null): revision is string {
  return revision !== null && /^[0-9a-f]{40}$/.test(revision);
}

/** A file path inside a repository, each segment escaped for a URL; `..` and absolute paths are refused. */
export function encodeFilePath(path: string): string {
  const segments = path.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new InvalidInput(`Invalid file path "${path}": use a relative path without empty, . or .. segments.`, {
      field: "path",
    });
  }
  return segments.map(encodeURIComponent).join("/");
}
