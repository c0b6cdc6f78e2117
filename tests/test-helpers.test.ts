import { existsSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { startLocalServer } from "./helpers/local-server.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

// The helpers the other tests lean on: if cleanup or the in-process transport broke, they would
// leak gateways and ports, or pass without reaching the gateway at all.

describe("startTestApp", () => {
  let left: { dataDir: string; url: string } | undefined;

  it("answers GraphQL through yoga's fetch, as a loopback client, and has no port unless asked", async () => {
    const gateway = await startTestApp();

    const { status, data } = await gateway.graphql<{ registries: Array<{ name: string }> }>("{ registries { name } }");

    expect(status).toBe(200);
    expect(data?.registries.map((registry) => registry.name)).toContain("local");
    expect(() => gateway.url).toThrow(/startTestApp\(\{ http: true \}\)/);
  });

  it("listens on a real port with { http: true }, and is left open for the next test to find closed", async () => {
    const gateway = await startTestApp({ http: true });

    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    left = { dataDir: gateway.dataDir, url: gateway.url };
  });

  it("closed itself when the test that started it ended: its port and its data folder are gone", async () => {
    const { dataDir, url } = left as { dataDir: string; url: string };

    expect(existsSync(dataDir)).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("closes at the end of an `await using` block, and a second close is harmless", async () => {
    let dataDir = "";
    {
      await using gateway = await startTestApp();
      dataDir = gateway.dataDir;
      expect(existsSync(dataDir)).toBe(true);
    }

    expect(existsSync(dataDir)).toBe(false);
  });

  it("can be closed twice, at once", async () => {
    const gateway = await startTestApp();

    await Promise.all([gateway.close(), gateway.close()]);
    await gateway.close();

    expect(existsSync(gateway.dataDir)).toBe(false);
  });
});

describe("startTestApp in beforeEach", () => {
  let gateway: TestApp;
  const seen: string[] = [];
  beforeEach(async () => {
    gateway = await startTestApp();
    seen.push(gateway.dataDir);
  });

  it("gives the test a gateway", async () => {
    expect((await gateway.graphql("{ registries { name } }")).status).toBe(200);
  });

  it("closed the previous test's gateway when that test ended", () => {
    expect(seen).toHaveLength(2);
    expect(existsSync(seen[0] as string)).toBe(false);
    expect(existsSync(seen[1] as string)).toBe(true);
  });
});

describe("startLocalServer", () => {
  let left = "";

  it("records each request's method, path, query and headers with record: true", async () => {
    const server = await startLocalServer((_request, response) => response.end("ok"), { record: true });

    const answer = await fetch(`${server.url}/a/b?x=1`, { headers: { authorization: "Bearer t" } });

    expect(await answer.text()).toBe("ok");
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/a/b",
        query: new URLSearchParams("x=1"),
        headers: expect.objectContaining({ authorization: "Bearer t" }),
        at: expect.any(Number),
      }),
    ]);
    left = server.url;
  });

  it("closed itself when the test that started it ended", async () => {
    await expect(fetch(`${left}/`)).rejects.toThrow();
  });

  it("ends open connections on close, so a response that never comes does not hold it", async () => {
    const server = await startLocalServer(() => undefined);
    const hanging = fetch(`${server.url}/`).catch((error: unknown) => error);

    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();

    expect(await hanging).toBeInstanceOf(Error);
  });

  it("names another host in its url when asked, still on 127.0.0.1", async () => {
    const server = await startLocalServer((_request, response) => response.end("here"), { host: "localhost" });

    expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe("here");
  });
});
