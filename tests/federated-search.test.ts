import { describe, expect, it } from "vitest";
import { RegistryUnavailable } from "../src/domain/errors.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "./helpers/fake-registry.js";
import { type GraphQLResponse, startTestApp, type TestApp } from "./helpers/test-app.js";

const SEARCH = `query Search($query: String, $registries: [String!], $sort: ModelSort, $first: Int, $after: String) {
  searchModels(query: $query, registries: $registries, sort: $sort, first: $first, after: $after) {
    edges { cursor node { ref name downloads } }
    pageInfo { hasNextPage endCursor }
    failures { registry code message }
  }
}`;

interface SearchData {
  searchModels: {
    edges: Array<{ cursor: string; node: { ref: string; name: string; downloads: number | null } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    failures: Array<{ registry: string; code: string; message: string }>;
  };
}

function startWith(registries: FakeRegistry[], env: Record<string, string> = {}) {
  return startTestApp({ registries: new RegistrySet(registries), env });
}

async function pageThrough(gateway: TestApp, variables: Record<string, unknown>, pages: number) {
  const refs: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const response: GraphQLResponse<SearchData> = await gateway.graphql<SearchData>(SEARCH, { ...variables, after });
    expect(response.errors).toBeUndefined();
    const result: SearchData["searchModels"] | undefined = response.data?.searchModels;
    refs.push(...(result?.edges.map((e) => e.node.ref) ?? []));
    after = result?.pageInfo.endCursor ?? null;
    if (!result?.pageInfo.hasNextPage) break;
  }
  return refs;
}

describe("federated search", () => {
  it("still answers when one registry is slower than the timeout, with a timeout failure entry", async () => {
    const slow = new FakeRegistry("slow", fakeModels("slow", 3), { delayMs: 60_000 });
    const gateway = await startWith([new FakeRegistry("quick", fakeModels("quick", 3)), slow], {
      REGISTRY_TIMEOUT_MS: "300",
    });

    const { data, errors } = await gateway.graphql<SearchData>(SEARCH, {});

    expect(errors).toBeUndefined();
    expect(data?.searchModels.edges.map((e) => e.node.ref)).toEqual([
      "quick:quick-model-000",
      "quick:quick-model-001",
      "quick:quick-model-002",
    ]);
    expect(data?.searchModels.failures).toEqual([
      { registry: "slow", code: "REGISTRY_TIMEOUT", message: "Registry slow did not answer within 300 ms." },
    ]);
  });

  it("turns a failing registry into a failure entry and marks it unreachable", async () => {
    const failing = new FakeRegistry("broken", fakeModels("broken", 3), {
      failWith: () => new RegistryUnavailable("broken", "HTTP 503 from upstream"),
    });
    const gateway = await startWith([new FakeRegistry("quick", fakeModels("quick", 2)), failing]);

    const { data } = await gateway.graphql<SearchData>(SEARCH, {});
    const registries = await gateway.graphql<{
      registries: Array<{ name: string; status: string; lastError: string }>;
    }>("{ registries { name status lastError } }");

    expect(data?.searchModels.edges).toHaveLength(2);
    expect(data?.searchModels.failures).toEqual([
      {
        registry: "broken",
        code: "REGISTRY_UNAVAILABLE",
        message: "Registry broken is unavailable: HTTP 503 from upstream",
      },
    ]);
    expect(registries.data?.registries).toEqual([
      { name: "quick", status: "OK", lastError: null },
      {
        name: "broken",
        status: "UNREACHABLE",
        lastError: "REGISTRY_UNAVAILABLE: Registry broken is unavailable: HTTP 503 from upstream",
      },
    ]);
  });

  it("keeps a client's mistake (an unknown model) out of the registry's health that every client sees", async () => {
    const gateway = await startWith([new FakeRegistry("quick", fakeModels("quick", 2))]);

    await gateway.graphql('{ model(ref: "quick:a-typo") { ref } }');
    const registries = await gateway.graphql<{
      registries: Array<{ name: string; status: string; lastError: string }>;
    }>("{ registries { name status lastError } }");

    expect(registries.data?.registries).toEqual([{ name: "quick", status: "OK", lastError: null }]);
  });

  it("searches only the registries asked for", async () => {
    const other = new FakeRegistry("other", fakeModels("other", 2));
    const gateway = await startWith([new FakeRegistry("quick", fakeModels("quick", 2)), other]);

    const { data } = await gateway.graphql<SearchData>(SEARCH, { registries: ["quick"] });

    expect(data?.searchModels.edges.map((e) => e.node.ref)).toEqual(["quick:quick-model-000", "quick:quick-model-001"]);
    expect(other.searchCalls).toHaveLength(0);
  });

  describe.each(["RELEVANCE", "DOWNLOADS", "NAME", "UPDATED"])("paging by %s", (sort) => {
    it("pages through two registries in three pages with no duplicates and no gaps", async () => {
      const gateway = await startWith([
        new FakeRegistry("alpha", fakeModels("alpha", 23)),
        new FakeRegistry("beta", fakeModels("beta", 17)),
      ]);

      const paged = await pageThrough(gateway, { sort, first: 15 }, 3);
      const whole = await pageThrough(gateway, { sort, first: 100 }, 1);

      expect(paged).toHaveLength(40);
      expect(new Set(paged).size).toBe(40);
      expect(paged).toEqual(whole);
    });
  });

  it("merges by the sort key across registries", async () => {
    const gateway = await startWith([
      new FakeRegistry("alpha", fakeModels("alpha", 10)),
      new FakeRegistry("beta", fakeModels("beta", 10)),
    ]);

    const { data } = await gateway.graphql<SearchData>(SEARCH, { sort: "DOWNLOADS", first: 20 });
    const downloads = data?.searchModels.edges.map((e) => e.node.downloads as number) ?? [];

    expect(downloads).toHaveLength(20);
    expect(downloads).toEqual([...downloads].sort((a, b) => b - a));
  });

  it("interleaves registries rank by rank for relevance", async () => {
    const gateway = await startWith([
      new FakeRegistry("alpha", fakeModels("alpha", 3)),
      new FakeRegistry("beta", fakeModels("beta", 3)),
    ]);

    const { data } = await gateway.graphql<SearchData>(SEARCH, { first: 4 });

    expect(data?.searchModels.edges.map((e) => e.node.ref)).toEqual([
      "alpha:alpha-model-000",
      "beta:beta-model-000",
      "alpha:alpha-model-001",
      "beta:beta-model-001",
    ]);
  });

  it("keeps a failed registry's place so a later page can resume it", async () => {
    const flaky = new FakeRegistry("flaky", fakeModels("flaky", 4));
    const gateway = await startWith([new FakeRegistry("steady", fakeModels("steady", 4)), flaky]);

    const first = await gateway.graphql<SearchData>(SEARCH, { first: 2 });
    flaky.behaviour.failWith = () => new RegistryUnavailable("flaky", "down");
    const second = await gateway.graphql<SearchData>(SEARCH, {
      first: 2,
      after: first.data?.searchModels.pageInfo.endCursor,
    });
    flaky.behaviour.failWith = undefined;
    const third = await gateway.graphql<SearchData>(SEARCH, {
      first: 10,
      after: second.data?.searchModels.pageInfo.endCursor,
    });

    const refs = [first, second, third].flatMap((r) => r.data?.searchModels.edges.map((e) => e.node.ref) ?? []);
    expect(second.data?.searchModels.failures.map((f) => f.registry)).toEqual(["flaky"]);
    expect(refs.sort()).toEqual(
      [...fakeModels("steady", 4), ...fakeModels("flaky", 4)].map((m) => `${m.registry}:${m.id}`).sort(),
    );
  });
});
