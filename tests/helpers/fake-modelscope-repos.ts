import { createHash } from "node:crypto";

/** A file of a fake ModelScope model; weights (.onnx, .bin, .safetensors...) are stored in LFS unless `lfs` says otherwise. */
export interface FakeModelScopeFile {
  path: string;
  content: string | Uint8Array;
  lfs?: boolean;
}

/** A model the fake ModelScope serves, with the metadata its API reports. */
export interface FakeModelScopeRepo {
  /** `<owner>/<name>`. */
  id: string;
  files?: FakeModelScopeFile[];
  /** Branches; each gets its own commit (all hold the same files). Default ["master"]. */
  branches?: string[];
  /** Git tags; `/revisions` lists each with the commit it points at. */
  tags?: string[];
  private?: boolean;
  /** Tokens that may read this private model. */
  grantedTokens?: string[];
  tasks?: string[];
  /** The model's labels (ModelScope's Tags, the OpenAPI's tags). */
  labels?: string[];
  library?: string;
  license?: string;
  description?: string;
  chineseName?: string;
  downloads?: number;
  stars?: number;
  /** Unix seconds. */
  lastUpdated?: number;
}

export interface FakeModelScopeFileState {
  path: string;
  bytes: Buffer;
  size: number;
  sha256: string;
  lfs: boolean;
}

/** A model with what ModelScope derives from it: commits and file hashes. */
export interface FakeModelScopeState {
  repo: FakeModelScopeRepo;
  owner: string;
  name: string;
  /** Branch or tag name to commit id. */
  commits: Map<string, string>;
  files: FakeModelScopeFileState[];
}

const LFS_FILES = /\.(onnx|onnx_data|bin|safetensors|gguf|pt|pth|h5|tflite|msgpack)$/i;
const CREATED = 1_700_000_000;
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** A README and a small ONNX-named payload, when a test does not care about a model's files. */
export function defaultFiles(id: string): FakeModelScopeFile[] {
  return [
    { path: "README.md", content: `# ${id}\n` },
    { path: "onnx/model.onnx", content: `not really onnx: ${id}\n`.repeat(20) },
  ];
}

export function buildState(repo: FakeModelScopeRepo): FakeModelScopeState {
  const [owner = "", name = ""] = repo.id.split("/");
  const files = (repo.files ?? defaultFiles(repo.id)).map((file): FakeModelScopeFileState => {
    const bytes = Buffer.from(file.content);
    return {
      path: file.path,
      bytes,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      lfs: file.lfs ?? LFS_FILES.test(file.path),
    };
  });
  const revisions = [...(repo.branches ?? ["master"]), ...(repo.tags ?? [])];
  return { repo, owner, name, files, commits: new Map(revisions.map((rev) => [rev, sha1(`${repo.id}@${rev}`)])) };
}

/** The commit a revision names: a branch or tag, or one of the model's commit ids. */
export function resolveRevision(state: FakeModelScopeState, revision: string): string | null {
  return state.commits.get(revision) ?? ([...state.commits.values()].includes(revision) ? revision : null);
}

/** `Data` of `GET /api/v1/models/{owner}/{name}`. */
export function modelData(state: FakeModelScopeState): Record<string, unknown> {
  const { repo } = state;
  return {
    Id: Number.parseInt(sha1(repo.id).slice(0, 8), 16),
    Name: state.name,
    Path: state.owner,
    ChineseName: repo.chineseName ?? "",
    Description: repo.description ?? "",
    License: repo.license ?? "",
    Downloads: repo.downloads ?? 0,
    Stars: repo.stars ?? 0,
    CreatedTime: CREATED,
    LastUpdatedTime: repo.lastUpdated ?? CREATED,
    Visibility: repo.private ? 1 : 5,
    IsPublished: 1,
    IsOnline: 1,
    Tasks: (repo.tasks ?? []).map((task) => ({ Name: task, ChineseName: task })),
    Tags: repo.labels ?? [],
    ModelType: [],
    Architectures: [],
    ReadMeContent: `# ${repo.id}`,
    Revision: "master",
  };
}

/** One model of `GET /openapi/v1/models`. */
export function listedModel(state: FakeModelScopeState): Record<string, unknown> {
  const { repo } = state;
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    id: repo.id,
    display_name: repo.chineseName || state.name,
    description: repo.description ?? "",
    downloads: repo.downloads ?? 0,
    likes: repo.stars ?? 0,
    created_at: iso(CREATED),
    last_modified: iso(repo.lastUpdated ?? CREATED),
    license: repo.license ?? "",
    tags: listedTags(repo),
    tasks: repo.tasks ?? [],
    file_size: state.files.reduce((sum, file) => sum + file.size, 0),
    private: repo.private ?? false,
    gated: false,
  };
}

/** The tags a search filters on and reports: the labels and the library. */
export function listedTags(repo: FakeModelScopeRepo): string[] {
  return [...new Set([...(repo.labels ?? []), ...(repo.library ? [repo.library] : [])])];
}

/** `Data` of `/revisions`: branches, and tags with the commit they point at. */
export function revisionsData(state: FakeModelScopeState): Record<string, unknown> {
  const entry = (revision: string, tag: boolean) => ({
    Revision: revision,
    CreatedAt: CREATED,
    Message: "",
    ...(tag && { CommitId: state.commits.get(revision) }),
  });
  return {
    RevisionMap: {
      Branches: (state.repo.branches ?? ["master"]).map((branch) => entry(branch, false)),
      Tags: (state.repo.tags ?? []).map((tag) => entry(tag, true)),
    },
  };
}

/** One commit of `/commits`. */
export function commitJson(commit: string): Record<string, unknown> {
  return {
    Id: commit,
    ShortId: commit.slice(0, 8),
    Title: "Upload model",
    Message: "Upload model",
    AuthorName: "owner",
    AuthorEmail: "owner@example.com",
    AuthoredDate: CREATED,
    CommittedDate: CREATED,
    CommitterName: "owner",
    CommitterEmail: "owner@example.com",
    CreatedAt: CREATED,
  };
}

/** `Data.Files` of `/repo/files`: folders ("tree") and files, all of them when recursive. */
export function fileEntries(state: FakeModelScopeState, commit: string, recursive: boolean) {
  const folders = new Set<string>();
  const entries: Array<Record<string, unknown>> = [];
  for (const file of state.files) {
    const parts = file.path.split("/");
    for (let depth = 1; depth < parts.length && (recursive || depth === 1); depth++) {
      folders.add(parts.slice(0, depth).join("/"));
    }
    if (!recursive && parts.length > 1) continue;
    entries.push({
      ...entryBase(file.path, commit),
      IsLFS: file.lfs,
      Mode: "33188",
      Sha256: file.sha256,
      Size: file.size,
      Type: "blob",
    });
  }
  const trees = [...folders].map((path) => ({
    ...entryBase(path, commit),
    IsLFS: false,
    Mode: "16384",
    Sha256: "",
    Size: 0,
    Type: "tree",
  }));
  return [...trees, ...entries].sort((a, b) => String(a.Path).localeCompare(String(b.Path)));
}

function entryBase(path: string, commit: string) {
  return {
    CommitMessage: "Upload model",
    CommittedDate: CREATED,
    CommitterName: "owner",
    InCheck: false,
    Name: path.split("/").at(-1),
    Path: path,
    Revision: commit,
  };
}
