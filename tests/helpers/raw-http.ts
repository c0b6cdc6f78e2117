import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  /** Any header, Host included (fetch would not let a test set it). */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request with exactly the headers given, for tests of what the gateway accepts. */
export function rawRequest(baseUrl: string, { method = "POST", path = "/graphql", headers = {}, body }: RawRequest) {
  const url = new URL(path, baseUrl);
  return new Promise<RawResponse>((resolve, reject) => {
    const outgoing = request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** The codes of a GraphQL-shaped error body; [] when it has none or is not JSON. */
export function errorCodes(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: { code?: string } }> };
    return (parsed.errors ?? []).map((error) => error.extensions?.code ?? "");
  } catch {
    return [];
  }
}
