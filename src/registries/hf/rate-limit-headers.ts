/**
 * The Hub's rate-limit headers, from the IETF draft it follows (draft-ietf-httpapi-ratelimit-headers):
 *   RateLimit: "api";r=<remaining>;t=<seconds until the window resets>
 *   RateLimit-Policy: "fixed window";"api";q=<requests per window>;w=<window seconds>
 * Hand-parsed: only these integer parameters of a quoted bucket name are read, which a full
 * structured-field parser would add a dependency for without reading anything more.
 */

export interface RateLimitReading {
  /** The Hub's bucket: "api", "resolvers" or "pages". */
  resource: string;
  remaining: number;
  resetSeconds: number;
  limit: number | null;
  windowSeconds: number | null;
}

/** Reads RateLimit (and RateLimit-Policy for the same bucket); null when absent or malformed. */
export function readRateLimit(headers: Headers): RateLimitReading | null {
  const current = members(headers.get("ratelimit")).find((member) => member.params.has("r") && member.params.has("t"));
  if (!current) return null;
  const resource = current.names[0] ?? "";
  const policy = members(headers.get("ratelimit-policy")).find((member) => member.names.includes(resource));
  return {
    resource,
    remaining: current.params.get("r") as number,
    resetSeconds: current.params.get("t") as number,
    limit: policy?.params.get("q") ?? null,
    windowSeconds: policy?.params.get("w") ?? null,
  };
}

interface Member {
  /** The quoted strings of the member, in order ("fixed window", "api"). */
  names: string[];
  /** Its integer parameters. */
  params: Map<string, number>;
}

function members(header: string | null): Member[] {
  if (!header) return [];
  return header.split(",").map((member) => {
    const parts = member.split(";").map((part) => part.trim());
    const names = parts.filter((part) => /^".*"$/.test(part)).map((part) => part.slice(1, -1));
    const params = new Map<string, number>();
    for (const part of parts) {
      const match = /^([a-z]+)=(\d+)$/.exec(part);
      if (match) params.set(match[1] as string, Number(match[2]));
    }
    return { names, params };
  });
}
