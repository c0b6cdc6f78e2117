import pLimit from "p-limit";
import { RegistryUnavailable } from "../../domain/errors.js";
import type { ModelFile } from "../../domain/model.js";
import { type ApiArtifactList, ApiArtifactListSchema, parseApi } from "./api-types.js";
import { underRoot } from "./artifact-location.js";
import type { MlflowCall, MlflowHttp } from "./mlflow-http.js";

/** How many folders are listed at once. */
const LIST_CONCURRENCY = 4;
/** A model version with more files than this is refused rather than listed in part. */
const MAX_FILES = 10_000;

/** Lists one folder of the artifact proxy (`GET mlflow-artifacts/artifacts?path=<folder>`). */
export async function listFolder(
  http: MlflowHttp,
  registry: string,
  folder: string,
  call: MlflowCall,
): Promise<ApiArtifactList> {
  const json = await http.getJson("mlflow-artifacts/artifacts", { path: folder }, call);
  return parseApi(ApiArtifactListSchema, json, `artifact listing of ${folder}`, registry);
}

/**
 * Every file under a version's artifact root, with sizes, walking its folders through the
 * artifact proxy (which lists one folder at a time, naming each entry by its name in that
 * folder). MLflow publishes no hashes, so sha256 is null: the pull engine computes and records
 * it. `first` is the root's listing when the caller already has it.
 */
export async function listArtifactFiles(
  http: MlflowHttp,
  registry: string,
  root: string,
  call: MlflowCall,
  first?: ApiArtifactList,
): Promise<ModelFile[]> {
  const files: ModelFile[] = [];
  const limit = pLimit(LIST_CONCURRENCY);
  const walk = async (relative: string, listing: ApiArtifactList): Promise<void> => {
    const folders: string[] = [];
    for (const entry of listing.files ?? []) {
      const name = entry.path.split("/").filter(Boolean).at(-1) ?? entry.path;
      const path = relative ? `${relative}/${name}` : name;
      if (entry.is_dir) folders.push(path);
      else files.push({ path, sizeBytes: entry.file_size ?? null, sha256: null });
    }
    if (files.length > MAX_FILES) {
      throw new RegistryUnavailable(registry, `the version at ${root} has more than ${MAX_FILES} files.`);
    }
    await Promise.all(
      folders.map((folder) =>
        limit(() => listFolder(http, registry, underRoot(root, folder), call)).then((inner) => walk(folder, inner)),
      ),
    );
  };
  await walk("", first ?? (await listFolder(http, registry, root, call)));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
