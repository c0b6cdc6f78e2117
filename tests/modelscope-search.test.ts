import { describe, expect, it } from "vitest";
import type { FakeModelScopeRepo } from "./helpers/fake-modelscope.js";
import { type ModelScopeGateway, startModelScopeGateway } from "./helpers/modelscope-gateway.js";
import type { GraphQLResponse } from "./helpers/test-app.js";

const SEARCH = `query Search($query: String, $registries: [String!], $filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
  searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { ref name author description task tags format license downloads likes updatedAt sizeBytes accessStatus pageUrl } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

type Page = {
  edges: Array<{ node: Record<string, unknown> & { ref: string; name: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  failures: Array<{ registry: string; code: string; message: string }>;
};

/** Twelve models whose downloads, stars and update times differ, some ONNX, some not. */
const REPOS: FakeModelScopeRepo[] = Array.from({ length: 12 }, (_, i) => ({
  id: `acme/model-${String(i).padStart(2, "0")}`,
  tasks: [i % 2 === 0 ? "image-classification" : "text-classification"],
  library: i % 3 === 0 ? "onnx" : "pytorch",
  labels: i % 4 === 0 ? ["vision", "small"] : ["vision"],
  license: "Apache License 2.0",
  description: `Model number ${i}.`,
  downloads: ((i * 7) % 12) * 100,
  stars: (i * 5) % 12,
  lastUpdated: 1_735_689_600 + i * 86_400,
  files: [{ path: i % 3 === 0 ? "model.onnx" : "pytorch_model.bin", content: `weights ${i}` }],
}));

async function pageThrough(
  setup: ModelScopeGateway,
  variables: Record<string, unknown>,
  pages: number,
): Promise<Page[]> {
  const results: Page[] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const response: GraphQLResponse<{ searchModels: Page }> = await setup.gateway.graphql(SEARCH, {
      ...variables,
      after,
    });
    expect(response.errors).toBeUndefined();
    const result = response.data?.searchModels as Page;
    results.push(result);
    after = result.pageInfo.endCursor;
    if (!result.pageInfo.hasNextPage) break;
  }
  return results;
}

const refsOf = (pages: Page[]) => pages.flatMap((page) => page.edges.map((e) => e.node.ref));
const searches = (setup: ModelScopeGateway) => setup.modelscope.requestsTo("api", "/openapi/v1/models");

describe("ModelScope search", () => {
  it("asks /openapi/v1/models for the words, owner, filters and sort, and maps each model", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });

    const { data, errors } = await setup.gateway.graphql<{ searchModels: Page }>(SEARCH, {
      query: "model-0",
      filter: { task: "image-classification", tags: ["small"], library: "onnx", author: "acme" },
      sort: "DOWNLOADS",
      first: 5,
    });

    expect(errors).toBeUndefined();
    expect(searches(setup).map((r) => [...r.query])).toEqual([
      [
        ["search", "model-0"],
        ["owner", "acme"],
        ["sort", "downloads"],
        ["page_number", "1"],
        ["page_size", "5"],
        ["filter.task", "image-classification"],
        ["filter.library", "onnx"],
        ["filter.custom_tag", "small"],
      ],
    ]);
    expect(data?.searchModels.edges.map((e) => e.node)).toEqual([
      {
        ref: "modelscope:acme/model-00",
        name: "model-00",
        author: "acme",
        description: "Model number 0.",
        task: "image-classification",
        tags: ["vision", "small", "onnx"],
        format: "ONNX",
        license: "Apache License 2.0",
        downloads: 0,
        likes: 0,
        updatedAt: "2025-01-01T00:00:00.000Z",
        sizeBytes: "weights 0".length,
        accessStatus: "PUBLIC",
        pageUrl: `${setup.modelscope.url}/models/acme/model-00`,
      },
    ]);
  });

  it("pages by number through every result, without duplicates or gaps", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });

    const pages = await pageThrough(setup, { first: 5 }, 4);

    expect(pages.map((page) => page.edges.length)).toEqual([5, 5, 2]);
    expect(refsOf(pages)).toEqual(REPOS.map((repo) => `modelscope:${repo.id}`));
    expect(searches(setup).map((r) => [r.query.get("page_number"), r.query.get("page_size")])).toEqual([
      ["1", "5"],
      ["2", "5"],
      ["3", "5"],
    ]);
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
  });

  it("asks at most 50 models a page, ModelScope's limit, and fills a larger page from the next ones", async () => {
    const many = Array.from({ length: 73 }, (_, i) => ({ id: `bulk/m-${String(i).padStart(3, "0")}` }));
    const setup = await startModelScopeGateway({ repos: many });

    const pages = await pageThrough(setup, { first: 60 }, 3);

    expect(pages.map((page) => page.edges.length)).toEqual([60, 13]);
    expect(refsOf(pages)).toEqual(many.map((repo) => `modelscope:${repo.id}`));
    // The second gateway page resumes inside ModelScope's page 2, which is read again.
    expect(searches(setup).map((r) => [r.query.get("page_number"), r.query.get("page_size")])).toEqual([
      ["1", "50"],
      ["2", "50"],
      ["2", "50"],
    ]);
  });

  it.each([
    ["LIKES", "likes", (r: FakeModelScopeRepo) => r.stars ?? 0],
    ["UPDATED", "last_modified", (r: FakeModelScopeRepo) => r.lastUpdated ?? 0],
  ] as const)("sorts %s on ModelScope (sort=%s)", async (sort, key, value) => {
    const setup = await startModelScopeGateway({ repos: REPOS });

    const pages = await pageThrough(setup, { sort, first: 12 }, 1);

    expect(searches(setup)[0]?.query.get("sort")).toBe(key);
    const expected = [...REPOS].sort((a, b) => value(b) - value(a)).map((repo) => `modelscope:${repo.id}`);
    expect(refsOf(pages)).toEqual(expected);
  });

  it("sorts each page by name itself, since ModelScope cannot sort by name", async () => {
    const setup = await startModelScopeGateway({ repos: [...REPOS].reverse() });

    const pages = await pageThrough(setup, { sort: "NAME", first: 12 }, 1);

    expect(searches(setup)[0]?.query.has("sort")).toBe(false);
    expect(pages[0]?.edges.map((e) => e.node.name)).toEqual(REPOS.map((repo) => repo.id.slice(5)));
  });

  it("merges the local folder and ModelScope into one search, paged three times without duplicates or gaps", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS }, { REGISTRIES: "local,modelscope" });

    const pages = await pageThrough(setup, { sort: "DOWNLOADS", first: 5 }, 3);
    const whole = await pageThrough(setup, { sort: "DOWNLOADS", first: 100 }, 1);

    // 12 ModelScope models and the 2 sample models of the local folder.
    expect(pages.map((page) => page.edges.length)).toEqual([5, 5, 4]);
    expect(pages.every((page) => page.failures.length === 0)).toBe(true);
    const refs = refsOf(pages);
    expect(new Set(refs).size).toBe(14);
    expect(refs).toEqual(refsOf(whole));
    expect(new Set(refs.map((ref) => ref.split(":")[0]))).toEqual(new Set(["local", "modelscope"]));
  });

  it("still answers from the local folder when ModelScope is down, with a failure entry for it", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS }, { REGISTRIES: "local,modelscope" });
    await setup.modelscope.close();

    const { data, errors } = await setup.gateway.graphql<{ searchModels: Page }>(SEARCH, { first: 50 });

    expect(errors).toBeUndefined();
    expect(data?.searchModels.edges.map((e) => e.node.ref)).toEqual(["local:mlp-classifier", "local:pair-classifier"]);
    expect(data?.searchModels.failures).toEqual([
      {
        registry: "modelscope",
        code: "REGISTRY_UNAVAILABLE",
        message: expect.stringMatching(
          /^Registry modelscope is unavailable: 127\.0\.0\.1:\d+ refused the connection\.$/,
        ),
      },
    ]);
  });

  it("reads a page whose envelope and fields ModelScope writes in PascalCase (Data, Models, TotalCount)", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });
    const model = { id: "other/only-one", downloads: 7, tags: ["gguf"], last_modified: 1_735_689_600 };
    setup.modelscope.failNext((r) => r.path === "/openapi/v1/models", {
      status: 200,
      body: { success: true, Data: { Models: [model], TotalCount: 1 } },
    });

    const pages = await pageThrough(setup, { first: 5 }, 2);

    expect(pages.map((page) => page.edges.map((e) => e.node))).toEqual([
      [expect.objectContaining({ ref: "modelscope:other/only-one", downloads: 7, format: "GGUF" })],
    ]);
    expect(pages[0]?.edges[0]?.node.updatedAt).toBe("2025-01-01T00:00:00.000Z");
  });

  it("refuses a cursor it did not make", async () => {
    const setup = await startModelScopeGateway({ repos: REPOS });
    const manager = setup.gateway.app.services.registries.get("modelscope");
    const search = (cursor: string) =>
      manager.searchModels(
        { query: null, filter: {}, sort: "RELEVANCE", limit: 5, cursor },
        AbortSignal.timeout(5_000),
      );

    for (const cursor of ["abc", "0:5", "2:51", "601:5"]) {
      await expect(search(cursor)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    }
    expect(searches(setup)).toEqual([]);
  });
});
