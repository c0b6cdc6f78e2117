/**
 * The fake Kaggle's catalogue, and its answers in the JSON of Kaggle's Models API: camelCase
 * fields, frameworks by their short names ("tensorFlow2", as Kaggle answers them), version
 * numbers from 1, tags as ApiCategory objects.
 */

export interface FakeKaggleFile {
  name: string;
  content: string | Buffer;
}

export interface FakeKaggleInstance {
  /** The short name Kaggle answers with: tfLite, tensorFlow2, pyTorch, keras, jax, onnx, gguf… */
  framework: string;
  slug: string;
  licenseName?: string;
  overview?: string;
  /** Each version's files, oldest first: version n is versions[n - 1]. */
  versions: FakeKaggleFile[][];
}

export interface FakeKaggleModel {
  owner: string;
  slug: string;
  title?: string;
  subtitle?: string;
  description?: string;
  tags?: string[];
  voteCount?: number;
  downloadCount?: number;
  /** Kaggle's default order, highest first; the catalogue's order when equal. */
  hotness?: number;
  updateTime?: string;
  isPrivate?: boolean;
  /** Users who may read a private model. */
  readers?: string[];
  /** Set for a model whose licence users must accept before downloading: those who have. */
  consented?: string[];
  instances: FakeKaggleInstance[];
}

const WEB = "https://www.kaggle.com/models";

export const bytesOf = (file: FakeKaggleFile): Buffer =>
  typeof file.content === "string" ? Buffer.from(file.content) : file.content;

/** `MODEL_FRAMEWORK_TENSOR_FLOW_2` → `tensorFlow2`: how the SDK's enum names become Kaggle's short names. */
export function shortFramework(protoName: string): string | null {
  const match = /^MODEL_FRAMEWORK_([A-Z0-9_]+)$/.exec(protoName);
  if (!match) return null;
  const [first = "", ...rest] = (match[1] as string).toLowerCase().split("_");
  return first + rest.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
}

export function instanceJson(model: FakeKaggleModel, instance: FakeKaggleInstance, index: number) {
  const latest = instance.versions.at(-1) ?? [];
  return {
    id: 1000 + index,
    slug: instance.slug,
    framework: instance.framework,
    fineTunable: false,
    overview: instance.overview ?? "",
    usage: "",
    versionId: 5000 + index * 10 + instance.versions.length,
    versionNumber: instance.versions.length,
    trainingData: [],
    url: `${WEB}/${model.owner}/${model.slug}/${instance.framework}/${instance.slug}`,
    licenseName: instance.licenseName ?? "",
    modelInstanceType: "baseModel",
    totalUncompressedBytes: latest.reduce((sum, file) => sum + bytesOf(file).length, 0),
  };
}

export function modelJson(model: FakeKaggleModel, index: number, withInstances: boolean) {
  return {
    id: 100 + index,
    ref: `${model.owner}/${model.slug}`,
    title: model.title ?? model.slug,
    subtitle: model.subtitle ?? "",
    author: model.owner.toUpperCase(),
    slug: model.slug,
    isPrivate: model.isPrivate ?? false,
    description: model.description ?? "",
    instances: withInstances ? model.instances.map((instance, i) => instanceJson(model, instance, index * 10 + i)) : [],
    tags: (model.tags ?? []).map((name) => ({ ref: name.toLowerCase().replace(/\s+/g, "-"), name })),
    publishTime: "2024-01-01T00:00:00Z",
    provenanceSources: "",
    url: `${WEB}/${model.owner}/${model.slug}`,
    modelVersionLinks: [],
    voteCount: model.voteCount ?? 0,
    updateTime: model.updateTime ?? "2024-06-01T00:00:00Z",
  };
}

/** ModelInstanceVersion entries, newest first as Kaggle lists them. */
export function versionsJson(model: FakeKaggleModel, instance: FakeKaggleInstance) {
  return instance.versions
    .map((_, i) => ({
      id: 9000 + i,
      framework: instance.framework,
      isTfhubModel: false,
      url: `${WEB}/${model.owner}/${model.slug}/${instance.framework}/${instance.slug}/${i + 1}`,
      variationSlug: instance.slug,
      versionNumber: i + 1,
      modelTitle: model.title ?? model.slug,
      isPrivate: model.isPrivate ?? false,
    }))
    .reverse();
}

/** The catalogue in Kaggle's order for one ListModelsOrderBy. */
export function sortModels(models: FakeKaggleModel[], sortBy: string): FakeKaggleModel[] {
  const by = (value: (model: FakeKaggleModel) => number) =>
    models.map((model, i) => ({ model, i })).sort((a, b) => value(b.model) - value(a.model) || a.i - b.i);
  const keys: Record<string, (model: FakeKaggleModel) => number> = {
    LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT: (m) => m.downloadCount ?? 0,
    LIST_MODELS_ORDER_BY_VOTE_COUNT: (m) => m.voteCount ?? 0,
    LIST_MODELS_ORDER_BY_UPDATE_TIME: (m) => Date.parse(m.updateTime ?? "2024-06-01T00:00:00Z"),
  };
  return by(keys[sortBy] ?? ((m) => m.hotness ?? 0)).map(({ model }) => model);
}

export const LIST_MODELS_ORDERS = [
  "LIST_MODELS_ORDER_BY_UNSPECIFIED",
  "LIST_MODELS_ORDER_BY_HOTNESS",
  "LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT",
  "LIST_MODELS_ORDER_BY_VOTE_COUNT",
  "LIST_MODELS_ORDER_BY_NOTEBOOK_COUNT",
  "LIST_MODELS_ORDER_BY_PUBLISH_TIME",
  "LIST_MODELS_ORDER_BY_CREATE_TIME",
  "LIST_MODELS_ORDER_BY_UPDATE_TIME",
  "LIST_MODELS_ORDER_BY_VIEW_TIME_DESC",
];
