import { describe, expect, it } from "vitest";
import { FakeMlflow, type FakeMlflowModel } from "./helpers/fake-mlflow.js";
import { IRIS, onnxVersionFiles } from "./helpers/mlflow-fixtures.js";
import { type MlflowGateway, startMlflowGateway } from "./helpers/mlflow-gateway.js";
import { type GraphQLResponse, startTestApp } from "./helpers/test-app.js";

const SEARCH = `query Search($query: String, $registries: [String!], $filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
  searchModels(query: $query, registries: $registries, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { ref name author description task tags format license updatedAt pageUrl } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

interface SearchResult {
  edges: Array<{ node: Record<string, unknown> & { ref: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  failures: Array<{ registry: string; code: string; message: string }>;
}

/** Twelve models updated on different days, half ONNX and half PyTorch, tasks alternating. */
const MODELS: FakeMlflowModel[] = Array.from({ length: 12 }, (_, i) => {
  const name = `churn-model-${String(i).padStart(2, "0")}`;
  const onnx = i % 2 === 0;
  return {
    name,
    description: `Churn model ${i}.`,
    tags: { task: i % 3 === 0 ? "tabular-regression" : "tabular-classification", license: "mit" },
    lastUpdated: Date.UTC(2025, 0, 1 + ((i * 5) % 12)),
    versions: [
      {
        version: 1,
        userId: "ana@example.com",
        files: onnx ? onnxVersionFiles(name, 1) : { MLmodel: "flavors:\n  pytorch:\n    model_data: data\n" },
      },
    ],
  };
});
const PROMPT: FakeMlflowModel = { name: "churn-prompt", tags: { "mlflow.prompt.is_prompt": "true" } };

async function search(setup: MlflowGateway, variables: Record<string, unknown>): Promise<SearchResult> {
  const response: GraphQLResponse<{ searchModels: SearchResult }> = await setup.gateway.graphql(SEARCH, variables);
  expect(response.errors).toBeUndefined();
  return response.data?.searchModels as SearchResult;
}

describe("MLflow search", () => {
  it("follows MLflow's next_page_token page by page, with no duplicates and no gaps", async () => {
    const setup = await startMlflowGateway({ models: [...MODELS, PROMPT] });

    const refs: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result = await search(setup, { query: "churn", first: 5, after });
      refs.push(...result.edges.map((edge) => edge.node.ref));
      after = result.pageInfo.endCursor;
      if (!result.pageInfo.hasNextPage) break;
    }

    expect(refs).toEqual(MODELS.map((model) => `mlflow:${model.name}`));
    const searches = setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow/registered-models/search");
    expect(searches.map((r) => [r.method, r.query.get("filter"), r.query.get("max_results")])).toEqual(
      searches.map(() => ["GET", "name ILIKE '%churn%'", "5"]),
    );
    expect(searches[0]?.query.has("page_token")).toBe(false);
    expect(searches.slice(1).every((r) => r.query.get("page_token"))).toBe(true);
  });

  it("maps a registered model with its latest version's facts, and its format from that version's MLmodel", async () => {
    const setup = await startMlflowGateway({ models: [IRIS, ...MODELS.slice(0, 2)] });

    const result = await search(setup, { query: "iris classifier" });

    expect(result.edges.map((edge) => edge.node)).toEqual([
      {
        ref: "mlflow:Iris%20Classifier",
        name: "Iris Classifier",
        author: "ana@example.com",
        description: "Classifies iris flowers from four measurements.",
        task: "tabular-classification",
        tags: ["task:tabular-classification", "license:apache-2.0", "team:botany"],
        format: "ONNX",
        license: "apache-2.0",
        updatedAt: "2025-03-01T00:00:00.000Z",
        pageUrl: `${setup.mlflow.url}/#/models/Iris%20Classifier`,
      },
    ]);
    const [request] = setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow/registered-models/search");
    expect(request?.query.get("filter")).toBe("name ILIKE '%iris%' AND name ILIKE '%classifier%'");
  });

  it("sorts by name and by update time on the server, and filters by task on the server and by format here", async () => {
    const setup = await startMlflowGateway({ models: MODELS });

    const byName = await search(setup, { sort: "NAME", first: 3 });
    const byUpdate = await search(setup, { sort: "UPDATED", first: 3 });
    const onnxRegression = await search(setup, { filter: { task: "tabular-regression", format: "ONNX" } });

    expect(byName.edges.map((e) => e.node.name)).toEqual(["churn-model-00", "churn-model-01", "churn-model-02"]);
    expect(byUpdate.edges.map((e) => e.node.updatedAt)).toEqual([
      "2025-01-12T00:00:00.000Z",
      "2025-01-11T00:00:00.000Z",
      "2025-01-10T00:00:00.000Z",
    ]);
    expect(onnxRegression.edges.map((e) => [e.node.name, e.node.format])).toEqual([
      ["churn-model-00", "ONNX"],
      ["churn-model-06", "ONNX"],
    ]);
    const searches = setup.mlflow.requestsTo("mlflow", "/api/2.0/mlflow/registered-models/search");
    expect(searches.map((r) => r.query.getAll("order_by"))).toEqual([
      ["name ASC"],
      ["last_updated_timestamp DESC"],
      [],
    ]);
    expect(searches[2]?.query.get("filter")).toBe("tags.`task` = 'tabular-regression'");
  });

  it("leaves MLflow prompts out of the results", async () => {
    const setup = await startMlflowGateway({ models: [MODELS[0] as FakeMlflowModel, PROMPT] });

    const result = await search(setup, { query: "churn" });

    expect(result.edges.map((e) => e.node.ref)).toEqual(["mlflow:churn-model-00"]);
  });

  it("turns an MLflow server that is down into a failure entry while the local folder still answers", async () => {
    const down = await FakeMlflow.start({ models: MODELS });
    await down.close();
    const local = await startTestApp({ env: { REGISTRIES: "local,mlflow", MLFLOW_TRACKING_URI: down.url } });

    const { data, errors } = await local.graphql<{ searchModels: SearchResult }>(SEARCH, { first: 50 });

    expect(errors).toBeUndefined();
    expect(data?.searchModels.edges.length).toBeGreaterThan(0);
    expect(data?.searchModels.edges.every((e) => e.node.ref.startsWith("local:"))).toBe(true);
    expect(data?.searchModels.failures).toEqual([
      {
        registry: "mlflow",
        code: "REGISTRY_UNAVAILABLE",
        message: `Registry mlflow is unavailable: ${new URL(down.url).host} refused the connection.`,
      },
    ]);
  });
});
