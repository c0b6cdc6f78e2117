import { describe, expect, it } from "vitest";
import type { FakeHubRepo } from "./helpers/fake-hub.js";
import { type HubGateway, startHubGateway } from "./helpers/hub-gateway.js";
import type { GraphQLResponse } from "./helpers/test-app.js";

const SEARCH = `query Search($query: String, $registries: [String!], $filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
  searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { ref name author task tags format license downloads likes updatedAt accessStatus gateKind pageUrl } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

interface SearchData {
  searchModels: {
    edges: Array<{ node: Record<string, unknown> & { ref: string; name: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    failures: Array<{ registry: string; code: string; message: string }>;
  };
}

/** Twelve repositories whose downloads, likes and trending order differ, some ONNX, some not. */
const REPOS: FakeHubRepo[] = Array.from({ length: 12 }, (_, i) => ({
  id: `acme/model-${String(i).padStart(2, "0")}`,
  pipelineTag: i % 2 === 0 ? "image-classification" : "text-classification",
  libraryName: i % 3 === 0 ? "onnx" : "transformers",
  license: "apache-2.0",
  downloads: ((i * 7) % 12) * 100,
  likes: (i * 5) % 12,
  trendingScore: 12 - i,
  lastModified: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
  files: [{ path: i % 3 === 0 ? "model.onnx" : "model.safetensors", content: `weights ${i}` }],
}));

async function pageThrough(
  setup: HubGateway,
  variables: Record<string, unknown>,
  pages: number,
): Promise<SearchData["searchModels"][]> {
  const results: SearchData["searchModels"][] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const response: GraphQLResponse<SearchData> = await setup.gateway.graphql<SearchData>(SEARCH, {
      ...variables,
      after,
    });
    expect(response.errors).toBeUndefined();
    const result = response.data?.searchModels as SearchData["searchModels"];
    results.push(result);
    after = result.pageInfo.endCursor;
    if (!result.pageInfo.hasNextPage) break;
  }
  return results;
}

const refsOf = (pages: SearchData["searchModels"][]) => pages.flatMap((page) => page.edges.map((e) => e.node.ref));

describe("Hugging Face Hub search", () => {
  it("asks /api/models for the query, filters, sort and the fields a result needs, and maps what it answers", async () => {
    const setup = await startHubGateway({ repos: REPOS });

    const { data, errors } = await setup.gateway.graphql<SearchData>(SEARCH, {
      query: "model-0",
      filter: {
        task: "image-classification",
        tags: ["license:apache-2.0"],
        library: "onnx",
        format: "ONNX",
        author: "acme",
      },
      sort: "DOWNLOADS",
      first: 5,
    });

    const [request] = setup.hub.requestsTo("hub", "/api/models");
    expect(
      Object.fromEntries(["search", "author", "pipeline_tag", "sort", "limit"].map((k) => [k, request?.query.get(k)])),
    ).toEqual({
      search: "model-0",
      author: "acme",
      pipeline_tag: "image-classification",
      sort: "downloads",
      limit: "5",
    });
    expect(request?.query.getAll("filter")).toEqual(["license:apache-2.0", "onnx"]);
    expect(request?.query.getAll("expand")).toEqual(
      expect.arrayContaining([
        "author",
        "pipeline_tag",
        "tags",
        "downloads",
        "likes",
        "lastModified",
        "gated",
        "private",
      ]),
    );
    expect(errors).toBeUndefined();
    expect(data?.searchModels.edges.map((e) => e.node)).toEqual([
      {
        ref: "hf:acme/model-06",
        name: "model-06",
        author: "acme",
        task: "image-classification",
        tags: ["onnx", "license:apache-2.0", "region:us"],
        format: "ONNX",
        license: "apache-2.0",
        downloads: 600,
        likes: 6,
        updatedAt: "2025-01-07T00:00:00.000Z",
        accessStatus: "PUBLIC",
        gateKind: null,
        pageUrl: `${setup.hub.url}/acme/model-06`,
      },
      expect.objectContaining({ ref: "hf:acme/model-00", downloads: 0 }),
    ]);
  });

  it("follows the Hub's Link cursor page by page, sending every request to HF_ENDPOINT and none to the host the links name", async () => {
    const setup = await startHubGateway({ repos: REPOS });

    const pages = await pageThrough(setup, { first: 5 }, 4);

    expect(pages.map((page) => page.edges.length)).toEqual([5, 5, 2]);
    expect(refsOf(pages)).toEqual(REPOS.map((repo) => `hf:${repo.id}`)); // trending order
    const cursors = setup.hub.requestsTo("hub", "/api/models").map((r) => r.query.get("cursor"));
    expect(cursors).toEqual([null, expect.any(String), expect.any(String)]);
    expect(setup.hub.requestsTo("canonical")).toEqual([]);
  });

  it("sorts each page by name itself, since the Hub cannot sort by name", async () => {
    const setup = await startHubGateway({ repos: [...REPOS].reverse() });

    const { data } = await setup.gateway.graphql<SearchData>(SEARCH, { sort: "NAME", first: 12 });

    expect(setup.hub.requestsTo("hub", "/api/models")[0]?.query.has("sort")).toBe(false);
    expect(data?.searchModels.edges.map((e) => e.node.name)).toEqual(REPOS.map((repo) => repo.id.slice(5)));
  });

  it("merges the local folder and the Hub into one search, paged three times without duplicates or gaps", async () => {
    const setup = await startHubGateway({ repos: REPOS }, { REGISTRIES: "local,hf" });

    const pages = await pageThrough(setup, { sort: "DOWNLOADS", first: 5 }, 3);
    const whole = await pageThrough(setup, { sort: "DOWNLOADS", first: 100 }, 1);

    // 12 Hub models and the 2 sample models of the local folder.
    expect(pages.map((page) => page.edges.length)).toEqual([5, 5, 4]);
    expect(pages.every((page) => page.failures.length === 0)).toBe(true);
    const refs = refsOf(pages);
    expect(new Set(refs).size).toBe(14);
    expect(refs).toEqual(refsOf(whole));
    expect(new Set(refs.map((ref) => ref.split(":")[0]))).toEqual(new Set(["local", "hf"]));
  });

  it("still answers from the local folder when the Hub is slower than the registry timeout", async () => {
    const setup = await startHubGateway({ repos: REPOS }, { REGISTRIES: "local,hf", REGISTRY_TIMEOUT_MS: "400" });
    setup.hub.delayMs = 60_000;

    const { data, errors } = await setup.gateway.graphql<SearchData>(SEARCH, { first: 50 });

    expect(errors).toBeUndefined();
    expect(data?.searchModels.edges.length).toBeGreaterThan(0);
    expect(data?.searchModels.edges.every((e) => e.node.ref.startsWith("local:"))).toBe(true);
    expect(data?.searchModels.failures).toEqual([
      { registry: "hf", code: "REGISTRY_TIMEOUT", message: "Registry hf did not answer within 400 ms." },
    ]);
  });
});
