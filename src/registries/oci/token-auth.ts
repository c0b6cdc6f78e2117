import { RegistryUnavailable } from "../../domain/errors.js";
import type { RegistryCredentials } from "../registry-kind.js";
import { ApiTokenSchema } from "./api-types.js";
import { type AuthChallenge, parseChallenges } from "./auth-challenge.js";
import { OciAnswerError } from "./oci-errors.js";

export interface TokenAuthOptions {
  /** The registry's name, for error messages. */
  registry: string;
  /** The registry's base URL; a realm that would downgrade it to http never gets credentials. */
  endpoint: string;
  credentials: RegistryCredentials;
  fetch: typeof fetch;
}

interface CachedToken {
  value: string;
  /** When it is renewed rather than sent: shortly before it expires. */
  renewAt: number;
}

/** The token specification's lifetime of a token that states none. */
const DEFAULT_EXPIRES_IN_SECONDS = 60;
/** A token this close to its expiry (or half its lifetime, for short ones) is renewed rather than sent. */
const RENEW_MARGIN_MS = 10_000;

/**
 * The registry's side of Docker's token authentication, which every Distribution registry speaks:
 * a 401 names a realm, a service and a scope; the token service at the realm answers a bearer
 * token for that scope (anonymously, or for the instance's username and password sent as Basic
 * credentials to the realm only); the registry then gets `Authorization: Bearer <token>`. Tokens
 * are kept per scope until shortly before they expire. A registry that challenges with Basic
 * instead gets the credentials itself.
 */
export class TokenAuth {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly fetching = new Map<string, Promise<CachedToken>>();
  private basic = false;

  constructor(private readonly options: TokenAuthOptions) {}

  /** Whether credentials are configured (the token service, or a Basic registry, gets them). */
  get hasCredentials(): boolean {
    return basicPair(this.options.credentials) !== null;
  }

  /** The Authorization header a request needing `scope` carries now, from what earlier challenges taught. */
  header(scope: string): string | null {
    const pair = basicPair(this.options.credentials);
    if (this.basic && pair) return `Basic ${Buffer.from(`${pair.username}:${pair.password}`).toString("base64")}`;
    const token = this.tokens.get(scope);
    return token && token.renewAt > Date.now() ? `Bearer ${token.value}` : null;
  }

  /** The last header issued for `scope`, due for renewal or not: for a download right after a probe. */
  latest(scope: string): string | null {
    const token = this.tokens.get(scope);
    return this.header(scope) ?? (token ? `Bearer ${token.value}` : null);
  }

  /**
   * Answers a 401's challenge for `scope`: the Authorization header to retry with, from a token the
   * realm it names issues (or Basic credentials); null when there is nothing to answer it with.
   */
  async answer(wwwAuthenticate: string | null, scope: string, signal: AbortSignal): Promise<string | null> {
    const challenges = parseChallenges(wwwAuthenticate);
    const bearer = challenges.find((challenge) => challenge.scheme === "bearer" && challenge.params.get("realm"));
    if (bearer) {
      const key = scope;
      let pending = this.fetching.get(key);
      if (!pending) {
        pending = this.fetchToken(bearer, scope, signal).finally(() => this.fetching.delete(key));
        this.fetching.set(key, pending);
      }
      const token = await pending;
      this.tokens.set(key, token);
      // Sent once even when it is already due for renewal (a token service issuing short-lived tokens).
      return `Bearer ${token.value}`;
    }
    if (challenges.some((challenge) => challenge.scheme === "basic") && this.hasCredentials && !this.basic) {
      this.basic = true;
      return this.header(scope);
    }
    return null;
  }

  private async fetchToken(challenge: AuthChallenge, scope: string, signal: AbortSignal): Promise<CachedToken> {
    const { registry } = this.options;
    const realm = safeRealm(challenge.params.get("realm") as string);
    if (!realm) throw new RegistryUnavailable(registry, "its authentication challenge names no http(s) realm.");
    const url = new URL(realm);
    const service = challenge.params.get("service");
    if (service) url.searchParams.set("service", service);
    // The challenge's own scope may add actions (pull,push); ours is what the request needs.
    for (const part of (challenge.params.get("scope") ?? scope).split(" ").filter(Boolean)) {
      url.searchParams.append("scope", part);
    }
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "model-gateway" };
    const pair = basicPair(this.options.credentials);
    if (pair) {
      if (url.protocol === "http:" && new URL(this.options.endpoint).protocol === "https:") {
        throw new RegistryUnavailable(
          registry,
          `its token service ${url.host} is not https; credentials are not sent there.`,
        );
      }
      headers.authorization = `Basic ${Buffer.from(`${pair.username}:${pair.password}`).toString("base64")}`;
    }
    // fetch drops Authorization when a redirect leaves the token service's origin (Fetch standard).
    const response = await this.options.fetch(url, { headers, redirect: "follow", signal }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      throw new RegistryUnavailable(registry, `its token service ${url.host} could not be reached.`, { cause: error });
    });
    const body = await response.text();
    if (!response.ok) {
      if (response.status >= 500 || response.status === 429) {
        throw new RegistryUnavailable(registry, `its token service answered HTTP ${response.status}.`);
      }
      throw OciAnswerError.fromBody(response.status, body, "token-service");
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new RegistryUnavailable(registry, "its token service answered malformed JSON.");
    }
    const parsed = ApiTokenSchema.safeParse(json);
    if (!parsed.success) throw new RegistryUnavailable(registry, "its token service answered no token.");
    const { token, access_token, expires_in, issued_at } = parsed.data;
    const issued = issued_at ? Date.parse(issued_at) : Number.NaN;
    const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
    const lifetimeMs = Math.max(0, expires_in ?? DEFAULT_EXPIRES_IN_SECONDS) * 1000;
    return {
      value: (token ?? access_token) as string,
      renewAt: start + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2),
    };
  }
}

/** The credentials as Basic's pair: the password, or the token in its place. */
function basicPair(credentials: RegistryCredentials): { username: string; password: string } | null {
  const password = credentials.password ?? credentials.token;
  if (!password) return null;
  return { username: credentials.username ?? "token", password };
}

function safeRealm(realm: string): string | null {
  try {
    const url = new URL(realm);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}
