import { useEffect, useState } from "preact/hooks";
import { GatewayClient, GatewayRequestError } from "../../../src/client/gateway-client.js";

const KEY_ITEM = "model-gateway.api-key";

/** What the views need of the session: the client to call, and what to re-render on. */
export interface SessionState {
  client: GatewayClient;
  /** Bumped when the key changes: every view reloads its data with the new key. */
  generation: number;
  hasKey: boolean;
  /** Set while the gateway asks for a key: the reason, in its words. */
  keyRequest: string | null;
}

/**
 * The page's one connection to its gateway, over the public GraphQL API only (same origin, so
 * no CORS). It holds the API key for the tab (sessionStorage: gone when the tab closes, never
 * sent anywhere but this gateway), and opens the key prompt when the gateway answers 401.
 */
class Session {
  private state: SessionState;
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor() {
    const key = readKey();
    this.state = { client: clientWith(key), generation: 0, hasKey: key !== null, keyRequest: null };
  }

  get current(): SessionState {
    return this.state;
  }

  /** Keeps a key for this tab (null forgets it) and reloads every view with it. */
  setKey(key: string | null): void {
    try {
      if (key) sessionStorage.setItem(KEY_ITEM, key);
      else sessionStorage.removeItem(KEY_ITEM);
    } catch {
      // Storage disabled: the key still works until the page is reloaded.
    }
    this.update({ client: clientWith(key), generation: this.state.generation + 1, hasKey: !!key, keyRequest: null });
  }

  /** Dismisses the prompt without a key; views keep saying a key is needed. */
  dismissPrompt(): void {
    this.update({ ...this.state, keyRequest: null });
  }

  /**
   * Looks at a failed request: when the gateway refused it for want of a (valid) key, the prompt
   * opens with its reason. Answers whether it did.
   */
  handle(error: unknown): boolean {
    if (!(error instanceof GatewayRequestError) || error.code !== "UNAUTHENTICATED") return false;
    if (this.state.keyRequest === null) this.update({ ...this.state, keyRequest: error.message });
    return true;
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

function readKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

function clientWith(apiKey: string | null): GatewayClient {
  return new GatewayClient({ url: new URL("/graphql", location.href).href, apiKey });
}

export const session = new Session();

/** The session's state; the component re-renders when the key or the prompt changes. */
export function useSession(): SessionState {
  const [state, setState] = useState(session.current);
  useEffect(() => {
    setState(session.current);
    return session.subscribe(setState);
  }, []);
  return state;
}
