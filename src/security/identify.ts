import type { ApiKey, Principal } from "./api-keys.js";
import { authenticate, SCOPES } from "./api-keys.js";

/** Who a request comes from, as far as its credentials say. */
export type Caller =
  | { kind: "open"; principal: Principal }
  | { kind: "key"; principal: Principal }
  | { kind: "anonymous" }
  | { kind: "invalid-key" };

/** Without configured keys every (loopback) caller may do everything. */
const OPEN: Principal = Object.freeze({ id: "open", scopes: new Set(SCOPES) });

/** Reads `Authorization: Bearer <key>` against the configured keys. */
export function identify(keys: readonly ApiKey[], authorization: string | null): Caller {
  if (keys.length === 0) return { kind: "open", principal: OPEN };
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!token) return { kind: "anonymous" };
  const principal = authenticate(keys, token);
  return principal ? { kind: "key", principal } : { kind: "invalid-key" };
}
