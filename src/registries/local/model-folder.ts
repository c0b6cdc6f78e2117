import { type Dirent, existsSync, promises as fs, lstatSync, type Stats } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** One model in the local folder: a `<id>.onnx` file, or a `<id>/` folder holding `model.onnx`. */
export interface LocalModelEntry {
  id: string;
  /** The model's folder, or the .onnx file itself for a single-file model. */
  root: string;
  modelFile: string;
  /** `model.json` beside `model.onnx`, when there is one. */
  metadataFile: string | null;
  files: LocalFile[];
}

export interface LocalFile {
  /** Path relative to the model, with forward slashes. */
  path: string;
  absolutePath: string;
  stats: Stats;
}

const MODEL_FILE = "model.onnx";
const METADATA_FILE = "model.json";

/**
 * Lists the models in `dir` as they are now; called on every request, so models added or removed
 * while the gateway runs show up without a restart (a readdir and a stat per file: cheap). A
 * symbolic link counts only when it points inside the folder: a link to /etc/shadow must not
 * hand out that file's size and hash.
 */
export async function scanModelFolder(dir: string): Promise<LocalModelEntry[]> {
  let entries: Dirent[];
  let root: string;
  try {
    [entries, root] = await Promise.all([fs.readdir(dir, { withFileTypes: true }), realRoot(dir)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const models = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith("."))
      .map((entry) => entryModel(join(dir, entry.name), entry.name, root)),
  );
  // A folder and a file with the same id: the folder (with its metadata) wins.
  const byId = new Map<string, LocalModelEntry>();
  for (const model of models) {
    if (model && (!byId.has(model.id) || model.root !== model.modelFile)) {
      byId.set(model.id, model);
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * One model by id, without listing the whole folder: its `<id>/` folder, else its `<id>.onnx` file
 * (the folder wins, as in a full scan). Null when neither is there under those exact names; a
 * caller then scans, which also finds `<id>.ONNX` and the like. A model found before is answered
 * again while its files and folders keep their size, mtime and inode (a synchronous stat each,
 * microseconds), so a cached read re-examines nothing that has not changed.
 */
export async function findModelEntry(dir: string, id: string): Promise<LocalModelEntry | null> {
  if (id.length === 0 || id.startsWith(".") || /[/\\\0]/.test(id)) return null;
  const key = join(dir, id);
  const known = foundEntries.get(key);
  if (known?.checks.every(([path, identity]) => identityOf(path) === identity)) return known.entry;
  const entry = await lookUpEntry(dir, id);
  foundEntries.delete(key);
  const checks = entry && checksOf(dir, entry);
  if (entry && checks) foundEntries.set(key, { entry, checks });
  return entry;
}

async function lookUpEntry(dir: string, id: string): Promise<LocalModelEntry | null> {
  const root = await realRoot(dir).catch(() => null);
  if (root === null) return null;
  return (
    (await entryModel(join(dir, id), id, root).then((entry) => (entry?.root === entry?.modelFile ? null : entry))) ??
    (await entryModel(join(dir, `${id}.onnx`), `${id}.onnx`, root))
  );
}

/** The most files a remembered model may have: checking a larger one costs more than listing it. */
const MAX_CHECKED_FILES = 64;
const foundEntries = new Map<string, { entry: LocalModelEntry; checks: Array<[path: string, identity: string]> }>();

/** What a lookup's answer depends on: the folders a file could appear in, and the files. */
function checksOf(dir: string, entry: LocalModelEntry): Array<[string, string]> | null {
  if (entry.files.length > MAX_CHECKED_FILES) return null;
  const folders = new Set([entry.root === entry.modelFile ? dir : entry.root]);
  for (const file of entry.files) {
    for (let folder = dirname(file.absolutePath); folder.startsWith(entry.root); folder = dirname(folder)) {
      folders.add(folder);
    }
  }
  const checks: Array<[string, string]> = [];
  for (const path of [...folders, ...entry.files.map((file) => file.absolutePath)]) {
    const identity = identityOf(path);
    // A link is checked where it leads by a full lookup, every time.
    if (identity === null || identity.startsWith("link")) return null;
    checks.push([path, identity]);
  }
  return checks;
}

function identityOf(path: string): string | null {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return null;
  return `${stats.isSymbolicLink() ? "link" : ""}${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

const realRoots = new Map<string, { identity: string; real: string }>();

/**
 * The folder's real path, resolved again only when the folder's own entry changes (a link
 * retargeted, the folder replaced): resolving it was most of a model lookup's cost, and a lookup
 * runs on every inference call.
 */
async function realRoot(dir: string): Promise<string> {
  const own = lstatSync(dir, { throwIfNoEntry: false });
  if (!own) return fs.realpath(dir); // throws ENOENT, as callers expect
  const identity = `${own.dev}:${own.ino}:${own.ctimeMs}`;
  const known = realRoots.get(dir);
  if (known?.identity === identity) return known.real;
  const real = await fs.realpath(dir);
  realRoots.set(dir, { identity, real });
  return real;
}

async function entryModel(path: string, name: string, root: string): Promise<LocalModelEntry | null> {
  const stats = await statInside(path, root);
  if (stats?.isFile() && name.toLowerCase().endsWith(".onnx")) {
    return {
      id: name.slice(0, -".onnx".length),
      root: path,
      modelFile: path,
      metadataFile: null,
      files: [{ path: name, absolutePath: path, stats }],
    };
  }
  if (!stats?.isDirectory()) return null;
  const files = await listFiles(path, root);
  const modelFile = files.find((file) => file.path === MODEL_FILE);
  if (!modelFile) return null;
  const metadata = files.find((file) => file.path === METADATA_FILE);
  return {
    id: name,
    root: path,
    modelFile: modelFile.absolutePath,
    metadataFile: metadata?.absolutePath ?? null,
    files,
  };
}

async function listFiles(modelRoot: string, root: string): Promise<LocalFile[]> {
  const entries = await fs.readdir(modelRoot, { withFileTypes: true, recursive: true });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const absolutePath = join(entry.parentPath, entry.name);
      const path = relative(modelRoot, absolutePath).split(sep).join("/");
      if (path.split("/").some((part) => part.startsWith("."))) return null;
      const stats = await statInside(absolutePath, root);
      return stats?.isFile() ? { path, absolutePath, stats } : null;
    }),
  );
  return files.filter((file): file is LocalFile => file !== null).sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The stats of what `path` leads to, or null when it is gone or (through links) lies outside
 * `root`. Only a symbolic link is resolved: a plain entry of a real folder under `root` is inside
 * it, and resolving every path on every request cost more than the rest of a model lookup.
 */
async function statInside(path: string, root: string): Promise<Stats | null> {
  // A cheap check first: a failed lstat throws an error whose stack costs more than the call.
  if (!existsSync(path)) return null;
  const own = await fs.lstat(path).catch(() => null);
  if (own === null) return null;
  if (!own.isSymbolicLink()) return own;
  const real = await fs.realpath(path).catch(() => null);
  if (real === null || (real !== root && !real.startsWith(`${root}${sep}`))) return null;
  return fs.stat(real).catch(() => null);
}
