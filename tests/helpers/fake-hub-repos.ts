import { createHash } from "node:crypto";

/** A file of a fake repository; large-file formats are stored in LFS unless `lfs` says otherwise. */
export interface FakeHubFile {
  path: string;
  content: string | Uint8Array;
  lfs?: boolean;
}

/** A repository the fake Hub serves, with the metadata its API reports. */
export interface FakeHubRepo {
  id: string;
  files?: FakeHubFile[];
  private?: boolean;
  gated?: false | "auto" | "manual";
  /** Disabled by the Hub's staff: every request about it gets 403. */
  disabled?: boolean;
  /** Tokens that may read this private repository or have been granted this gated one. */
  grantedTokens?: string[];
  /** Branches and tags; each gets its own commit sha (all hold the same files). Default ["main"]. */
  branches?: string[];
  pipelineTag?: string;
  libraryName?: string;
  tags?: string[];
  license?: string;
  description?: string;
  downloads?: number;
  likes?: number;
  trendingScore?: number;
  lastModified?: string;
}

/** A repository with everything the Hub derives from it: commits, file hashes and tags. */
export interface HubRepoState {
  repo: FakeHubRepo;
  /** Branch or tag name to commit sha. */
  commits: Map<string, string>;
  files: HubFileState[];
  tags: string[];
}

export interface HubFileState {
  path: string;
  bytes: Buffer;
  size: number;
  sha256: string;
  /** The git blob id, which the Hub reports for every file (oid, blobId, ETag of small files). */
  gitOid: string;
  lfs: boolean;
}

const LFS_FILES = /\.(onnx|onnx_data|bin|safetensors|gguf|pt|pth|h5|tflite|msgpack)$/i;
const FORMAT_TAGS: Array<[RegExp, string]> = [
  [/\.onnx$/i, "onnx"],
  [/\.safetensors$/i, "safetensors"],
  [/\.gguf$/i, "gguf"],
  [/\.(bin|pt|pth)$/i, "pytorch"],
];

const hash = (algorithm: string, data: Buffer | string) => createHash(algorithm).update(data).digest("hex");

/** A small ONNX-named payload and a README, when a test does not care about a repository's files. */
export function defaultFiles(id: string): FakeHubFile[] {
  return [
    { path: "README.md", content: `# ${id}\n` },
    { path: "onnx/model.onnx", content: `not really onnx: ${id}\n`.repeat(20) },
  ];
}

export function buildRepoState(repo: FakeHubRepo): HubRepoState {
  const files = (repo.files ?? defaultFiles(repo.id)).map((file): HubFileState => {
    const bytes = Buffer.from(file.content);
    return {
      path: file.path,
      bytes,
      size: bytes.length,
      sha256: hash("sha256", bytes),
      gitOid: hash("sha1", Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes])),
      lfs: file.lfs ?? LFS_FILES.test(file.path),
    };
  });
  const commits = new Map((repo.branches ?? ["main"]).map((branch) => [branch, hash("sha1", `${repo.id}@${branch}`)]));
  const derived = FORMAT_TAGS.filter(([pattern]) => files.some((file) => pattern.test(file.path))).map(
    ([, tag]) => tag,
  );
  const tags = [
    ...new Set([
      ...(repo.libraryName ? [repo.libraryName] : []),
      ...derived,
      ...(repo.tags ?? []),
      ...(repo.license ? [`license:${repo.license}`] : []),
      "region:us",
    ]),
  ];
  return { repo, commits, files, tags };
}

/** The commit a revision names: a branch or tag, or one of the repository's full commit shas. */
export function resolveRevision(state: HubRepoState, revision: string): string | null {
  return state.commits.get(revision) ?? ([...state.commits.values()].includes(revision) ? revision : null);
}

/** Every field `GET /api/models` can return for a repository (before `expand` picks some). */
export function listFields(state: HubRepoState): Record<string, unknown> {
  const { repo } = state;
  return {
    _id: hash("md5", repo.id).slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    author: repo.id.includes("/") ? repo.id.split("/")[0] : undefined,
    private: repo.private ?? false,
    gated: repo.gated ?? false,
    downloads: repo.downloads ?? 0,
    likes: repo.likes ?? 0,
    trendingScore: repo.trendingScore ?? 0,
    lastModified: repo.lastModified ?? "2025-01-01T00:00:00.000Z",
    createdAt: "2024-01-01T00:00:00.000Z",
    pipeline_tag: repo.pipelineTag,
    library_name: repo.libraryName,
    tags: state.tags,
  };
}

/** The fields `GET /api/models` returns when no `expand` is given. */
export const DEFAULT_LIST_FIELDS = ["_id", "id", "likes", "trendingScore", "private", "downloads", "tags"];

/** `GET /api/models/{id}/revision/{rev}`; siblings carry size and LFS facts only with `blobs`. */
export function infoJson(state: HubRepoState, commit: string, blobs: boolean): Record<string, unknown> {
  return {
    ...listFields(state),
    sha: commit,
    disabled: false,
    cardData: { license: state.repo.license, description: state.repo.description },
    siblings: state.files.map((file) =>
      blobs
        ? { rfilename: file.path, blobId: file.gitOid, size: file.size, ...(file.lfs && { lfs: lfsJson(file) }) }
        : { rfilename: file.path },
    ),
  };
}

/** Entries of the tree API under `dir` ("" for the root): files and the folders that lead to them. */
export function treeEntries(state: HubRepoState, dir: string, recursive: boolean): Array<Record<string, unknown>> {
  const prefix = dir ? `${dir}/` : "";
  const folders = new Set<string>();
  const files: Array<Record<string, unknown>> = [];
  for (const file of state.files.filter((f) => f.path.startsWith(prefix))) {
    const parts = file.path.slice(prefix.length).split("/");
    for (let depth = 1; depth < parts.length && (recursive || depth === 1); depth++) {
      folders.add(prefix + parts.slice(0, depth).join("/"));
    }
    if (!recursive && parts.length > 1) continue;
    const lfs = file.lfs ? { lfs: { oid: file.sha256, size: file.size, pointerSize: 134 } } : {};
    files.push({ type: "file", oid: file.gitOid, size: file.size, path: file.path, ...lfs });
  }
  const dirs = [...folders].map((path) => ({ type: "directory", oid: hash("sha1", path), size: 0, path }));
  return [...dirs, ...files].sort((a, b) => String(a.path).localeCompare(String(b.path)));
}

function lfsJson(file: HubFileState) {
  return { sha256: file.sha256, size: file.size, pointerSize: 134 };
}
