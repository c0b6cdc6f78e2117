import { describe, expect, it } from "vitest";
import { type FakeKaggleModel, unavailableAnswer } from "./helpers/fake-kaggle.js";
import { type KaggleGateway, startKaggleGateway } from "./helpers/kaggle-gateway.js";
import type { GraphQLResponse } from "./helpers/test-app.js";

const SEARCH = `query Search($query: String, $registries: [String!], $filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
  searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { ref name author description task tags format license downloads likes updatedAt sizeBytes accessStatus pageUrl } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

interface SearchData {
  searchModels: {
    edges: Array<{ node: Record<string, unknown> & { ref: string; name: string; format: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    failures: Array<{ registry: string; code: string; message: string }>;
  };
}

const MOBILENET: FakeKaggleModel = {
  owner: "google",
  slug: "mobilenet-v2",
  title: "MobileNet V2",
  subtitle: "Small image classifiers.",
  tags: ["Image Classification", "Computer Vision"],
  voteCount: 42,
  updateTime: "2024-03-05T08:00:00Z",
  instances: [
    {
      framework: "tfLite",
      slug: "100-224-classification",
      licenseName: "Apache 2.0",
      versions: [[{ name: "1.tflite", content: "old weights" }], [{ name: "1.tflite", content: "tflite weights" }]],
    },
    {
      framework: "tensorFlow2",
      slug: "100-224-classification",
      licenseName: "Apache 2.0",
      versions: [[{ name: "saved_model.pb", content: "graph" }]],
    },
  ],
};

const GEMMA: FakeKaggleModel = {
  owner: "google",
  slug: "gemma",
  subtitle: "Open language models.",
  tags: ["Text Generation"],
  voteCount: 900,
  instances: [
    {
      framework: "keras",
      slug: "gemma_2b_en",
      licenseName: "Gemma",
      versions: [[{ name: "model.weights.h5", content: "k" }]],
    },
    { framework: "pyTorch", slug: "2b", licenseName: "Gemma", versions: [[{ name: "model.ckpt", content: "p" }]] },
    { framework: "gguf", slug: "2b-q4", licenseName: "Gemma", versions: [[{ name: "model.gguf", content: "g" }]] },
  ],
};

/** Six models of two instances each, in Kaggle's default order of their numbers. */
const MANY: FakeKaggleModel[] = Array.from({ length: 6 }, (_, i) => ({
  owner: "acme",
  slug: `net-${i}`,
  hotness: 10 - i,
  voteCount: (i * 5) % 6,
  downloadCount: (i * 7) % 6,
  updateTime: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  instances: [
    { framework: "onnx", slug: "default", versions: [[{ name: "model.onnx", content: `onnx ${i}` }]] },
    { framework: "jax", slug: "default", versions: [[{ name: "params.msgpack", content: `jax ${i}` }]] },
  ],
}));

async function search(setup: KaggleGateway, variables: Record<string, unknown>): Promise<SearchData["searchModels"]> {
  const response: GraphQLResponse<SearchData> = await setup.gateway.graphql<SearchData>(SEARCH, variables);
  expect(response.errors).toBeUndefined();
  return response.data?.searchModels as SearchData["searchModels"];
}

async function pageThrough(setup: KaggleGateway, variables: Record<string, unknown>) {
  const pages: SearchData["searchModels"][] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const result = await search(setup, { ...variables, after });
    pages.push(result);
    after = result.pageInfo.endCursor;
    if (!result.pageInfo.hasNextPage) break;
  }
  return pages;
}

const refsOf = (pages: SearchData["searchModels"][]) => pages.flatMap((page) => page.edges.map((e) => e.node.ref));

describe("Kaggle search", () => {
  it("calls ListModels as the Kaggle SDK does and answers one result per model instance", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET, GEMMA] });

    const result = await search(setup, { query: "mobilenet", filter: { author: "google" }, sort: "LIKES", first: 5 });

    const [request] = setup.kaggle.calls("ListModels");
    expect(request).toMatchObject({ method: "POST", path: "/v1/models.ModelApiService/ListModels" });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toEqual({
      search: "mobilenet",
      sortBy: "LIST_MODELS_ORDER_BY_VOTE_COUNT",
      owner: "google",
      pageSize: 5,
    });
    expect(result.edges.map((e) => e.node)).toEqual([
      {
        ref: "kaggle:google/mobilenet-v2/tfLite/100-224-classification",
        name: "mobilenet-v2/tfLite/100-224-classification",
        author: "google",
        description: "Small image classifiers.",
        task: "image-classification",
        tags: ["Image Classification", "Computer Vision"],
        format: "TFLITE",
        license: "Apache 2.0",
        downloads: null,
        likes: 42,
        updatedAt: "2024-03-05T08:00:00.000Z",
        sizeBytes: Buffer.byteLength("tflite weights"),
        accessStatus: "PUBLIC",
        pageUrl: "https://www.kaggle.com/models/google/mobilenet-v2/tfLite/100-224-classification",
      },
      expect.objectContaining({
        ref: "kaggle:google/mobilenet-v2/tensorFlow2/100-224-classification",
        format: "TENSORFLOW",
      }),
    ]);
    expect(result.pageInfo.hasNextPage).toBe(false);
  });

  it("follows Kaggle's page tokens with pages of the size asked for, without duplicates or gaps", async () => {
    const setup = await startKaggleGateway({ models: MANY });

    const pages = await pageThrough(setup, { first: 5 });
    const whole = await pageThrough(setup, { first: 100 });

    expect(pages.map((page) => page.edges.length)).toEqual([5, 5, 2]);
    expect(refsOf(pages)).toEqual(refsOf(whole));
    expect(refsOf(whole)).toEqual(
      MANY.flatMap((model) => [`kaggle:acme/${model.slug}/onnx/default`, `kaggle:acme/${model.slug}/jax/default`]),
    );
    const tokens = setup.kaggle.calls("ListModels").map((call) => call.body.pageToken ?? null);
    const pageSizes = new Set(setup.kaggle.calls("ListModels").map((call) => call.body.pageSize));
    // The first search asks three of Kaggle's pages of five models, each once a page of results needs it.
    expect(tokens.slice(0, 3)).toEqual([null, null, expect.any(String)]);
    expect(pageSizes).toEqual(new Set([5, 50]));
  });

  it("asks Kaggle for the order of each sort it has, and sorts pages by name itself", async () => {
    const setup = await startKaggleGateway({ models: MANY });
    const orders: Record<string, string> = {};
    for (const sort of ["RELEVANCE", "DOWNLOADS", "LIKES", "UPDATED", "NAME"]) {
      const before = setup.kaggle.calls("ListModels").length;
      const result = await search(setup, { sort, first: 12 });
      orders[sort] = String(setup.kaggle.calls("ListModels")[before]?.body.sortBy);
      if (sort === "NAME") {
        const names = result.edges.map((e) => e.node.name);
        expect(names).toEqual([...names].sort());
      }
      if (sort === "LIKES") {
        const likes = result.edges.map((e) => e.node.likes as number);
        expect(likes).toEqual([...likes].sort((a, b) => b - a));
      }
    }

    expect(orders).toEqual({
      RELEVANCE: "LIST_MODELS_ORDER_BY_HOTNESS",
      DOWNLOADS: "LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT",
      LIKES: "LIST_MODELS_ORDER_BY_VOTE_COUNT",
      UPDATED: "LIST_MODELS_ORDER_BY_UPDATE_TIME",
      NAME: "LIST_MODELS_ORDER_BY_HOTNESS",
    });
  });

  it("filters instances by format, framework (library), task, tags and size, which ListModels cannot", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET, GEMMA, ...MANY] });
    const refs = async (filter: Record<string, unknown>) =>
      (await search(setup, { filter, first: 50 })).edges.map((e) => e.node.ref);

    expect(await refs({ format: "GGUF" })).toEqual(["kaggle:google/gemma/gguf/2b-q4"]);
    expect(await refs({ library: "pytorch" })).toEqual(["kaggle:google/gemma/pyTorch/2b"]);
    expect(await refs({ task: "text-generation", format: "KERAS" })).toEqual(["kaggle:google/gemma/keras/gemma_2b_en"]);
    expect(await refs({ tags: ["computer vision"], format: "TFLITE" })).toEqual([
      "kaggle:google/mobilenet-v2/tfLite/100-224-classification",
    ]);
    expect(await refs({ author: "acme", format: "ONNX", sizeBytes: { max: 6 } })).toEqual(
      MANY.map((model) => `kaggle:acme/${model.slug}/onnx/default`),
    );
  });

  it("asks GetModel for the instances of models that the list answers without them", async () => {
    const setup = await startKaggleGateway({ models: [MOBILENET, GEMMA], listWithoutInstances: true });

    const result = await search(setup, { first: 10 });

    expect(result.edges).toHaveLength(5);
    expect(setup.kaggle.calls("GetModel").map((call) => call.body)).toEqual([
      { ownerSlug: "google", modelSlug: "mobilenet-v2" },
      { ownerSlug: "google", modelSlug: "gemma" },
    ]);
  });

  it("leaves Kaggle as a failure entry of a federated search while the local folder answers, when Kaggle is down", async () => {
    const setup = await startKaggleGateway({ models: MANY }, { REGISTRIES: "local,kaggle", KAGGLE_MAX_RETRIES: "1" });
    setup.kaggle.failNext(() => true, ...Array.from({ length: 10 }, () => unavailableAnswer));

    const result = await search(setup, { first: 10 });

    expect(result.edges.length).toBeGreaterThan(0);
    expect(result.edges.every((e) => e.node.ref.startsWith("local:"))).toBe(true);
    expect(result.failures).toEqual([
      {
        registry: "kaggle",
        code: "REGISTRY_UNAVAILABLE",
        message: "Registry kaggle is unavailable: it answered HTTP 503 to ListModels after 2 attempts.",
      },
    ]);
  });
});
