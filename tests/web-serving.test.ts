import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const KEY = "k-web-serving-3f9a7c1e2b4d";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request whose path goes out exactly as written (fetch and URL would resolve `..` first). */
function get(base: string, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** What a page loads: the src and href of its script and link elements. */
function assetPaths(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
}

let gateway: TestApp;
let keyed: TestApp;
beforeAll(async () => {
  [gateway, keyed] = await Promise.all([
    startTestApp({ http: true }),
    startTestApp({ http: true, env: { GATEWAY_API_KEYS: `${KEY}=read` } }),
  ]);
});
afterAll(async () => {
  await Promise.all([gateway?.close(), keyed?.close()]);
});

describe("serving the model browser", () => {
  it("serves the page at / and /models/<ref> as uncached HTML under a strict Content-Security-Policy", async () => {
    const home = await get(gateway.url, "/");
    const model = await get(gateway.url, "/models/hf:acme/vision@main");

    for (const response of [home, model]) {
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.headers["cache-control"]).toBe("no-cache");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      const csp = String(response.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe");
    }
    expect(model.body.equals(home.body)).toBe(true);
    const html = home.body.toString();
    // No inline script or style: every script has a src, and nothing is styled in the page itself.
    expect([...html.matchAll(/<script\b[^>]*>/g)].every((tag) => /\ssrc="/.test(tag[0]))).toBe(true);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    // Everything it loads comes from the gateway itself.
    expect(assetPaths(html).length).toBeGreaterThanOrEqual(3);
    expect(assetPaths(html).every((path) => path.startsWith("/assets/"))).toBe(true);
  });

  it("serves hashed assets as immutable for a year, gzipped to clients that take it, 304 when unchanged", async () => {
    const paths = assetPaths((await get(gateway.url, "/")).body.toString());

    for (const path of paths) {
      expect(path).toMatch(/^\/assets\/[a-z]+-[A-Z0-9]{8}\.(js|css|svg)$/);
      const plain = await get(gateway.url, path);
      const gzipped = await get(gateway.url, path, { "accept-encoding": "gzip, br" });
      const again = await get(gateway.url, path, { "if-none-match": String(plain.headers.etag) });

      expect(plain.status).toBe(200);
      expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(plain.headers["x-content-type-options"]).toBe("nosniff");
      expect(plain.headers["content-type"]).toMatch(/^(text\/javascript|text\/css|image\/svg\+xml)/);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      if (!path.endsWith(".svg")) {
        expect(gzipped.headers["content-encoding"]).toBe("gzip");
        expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
      }
      expect(again.status).toBe(304);
    }
  });

  it("answers a path that tries to leave the assets folder, or names no built asset, with 404 and nothing of the disk", async () => {
    const attempts = [
      "/assets/../package.json",
      "/assets/..%2fpackage.json",
      "/assets/%2e%2e%2fpackage.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/assets/..%5c..%5cpackage.json",
      "/assets/.gitignore",
      "/assets/",
      "/assets/nested/app.js",
      "/assets/app.js%00.svg",
      "/assets/index.html",
      "/assets/app-00000000.js",
    ];

    for (const path of attempts) {
      const response = await get(gateway.url, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body.toString()).not.toContain("model-gateway");
    }
  });

  it("answers methods other than GET and HEAD with 405, and HEAD with the headers alone", async () => {
    const post = await get(gateway.url, "/", { "content-type": "application/json" }, "POST");
    const head = await get(gateway.url, "/models/local:mlp-classifier", {}, "HEAD");

    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(head.body.length).toBe(0);
  });

  it("keeps GraphiQL at /graphql", async () => {
    const response = await get(gateway.url, "/graphql", { accept: "text/html" });

    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain("GraphiQL");
  });

  it("serves the page without a key on a gateway with keys, so it can ask for one, while its API needs one", async () => {
    const page = await get(keyed.url, "/");
    const api = await keyed.graphql("{ registries { name } }");

    expect(page.status).toBe(200);
    expect(api.status).toBe(401);
    expect(api.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
