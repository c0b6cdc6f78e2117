import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

let gateway: TestApp;
beforeAll(async () => {
  gateway = await startTestApp({ http: true });
});
afterAll(() => gateway.close());

describe("GraphQL over HTTP", () => {
  // The audits take the URL lazily: the server starts in beforeAll.
  for (const audit of serverAudits({ url: () => `${gateway.url}/graphql`, fetchFn: fetch })) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result, "reason" in result ? result.reason : "").toMatchObject({ status: "ok" });
    });
  }
});
