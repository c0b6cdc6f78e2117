import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const SCOPES = ["read", "pull", "infer", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: an API key (by a non-secret id derived from it) and what it may do. */
export interface Principal {
  /** `key:` and the first 12 hex digits of the key's sha256: safe to log, never the key itself. */
  id: string;
  scopes: ReadonlySet<Scope>;
}

export interface ApiKey {
  digest: Buffer;
  principal: Principal;
}

const KEY = /^[A-Za-z0-9._~-]{16,256}$/;

/**
 * GATEWAY_API_KEYS: `<key>=<scope>+<scope>,…` (scopes: read, pull, infer, admin; admin implies
 * all). Keys are at least 16 characters of letters, digits and `._~-`.
 */
export const apiKeysVariable = z
  .string()
  .default("")
  .transform((text, ctx): ApiKey[] => {
    const entries = text
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const seen = new Map<string, number>();
    return entries.flatMap((entry, index) => {
      const parts = entry.split("=");
      const [key = "", scopeList = ""] = parts;
      const scopes = scopeList.split("+").filter(Boolean);
      const unknown = scopes.filter((scope) => !SCOPES.includes(scope as Scope));
      if (parts.length !== 2 || !KEY.test(key) || scopes.length === 0 || unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${index + 1} must be <key>=<scope>[+<scope>…], the key at least 16 characters of letters, digits and ._~-, each scope one of ${SCOPES.join(", ")}`,
        });
        return [];
      }
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        ctx.addIssue({ code: "custom", message: `entry ${index + 1} repeats the key of entry ${earlier + 1}` });
        return [];
      }
      seen.set(key, index);
      return [{ digest: digest(key), principal: { id: keyId(key), scopes: new Set(scopes as Scope[]) } }];
    });
  });

/** The principal a bearer token stands for, or null; compared in constant time against every key. */
export function authenticate(keys: readonly ApiKey[], token: string): Principal | null {
  const candidate = digest(token);
  let found: Principal | null = null;
  for (const key of keys) {
    // Compare with every key (no early exit) on equal-length digests, so timing says nothing.
    if (timingSafeEqual(key.digest, candidate)) found = key.principal;
  }
  return found;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has("admin") || principal.scopes.has(scope);
}

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

function keyId(key: string): string {
  return `key:${digest(key).toString("hex").slice(0, 12)}`;
}
