import type { GatewayRequestError } from "../../../src/client/gateway-client.js";
import { session } from "./session.js";

/**
 * A failed request, said plainly with its stable code. A missing key offers the prompt again, so
 * a dismissed prompt is never a dead end.
 */
export function ErrorNotice({ error, title }: { error: GatewayRequestError; title?: string }) {
  const needsKey = error.code === "UNAUTHENTICATED";
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>{title ?? (needsKey ? "This gateway needs an API key." : "The gateway could not answer.")}</strong>{" "}
        {error.message} <code>{error.code}</code>
      </p>
      {needsKey && (
        <button type="button" onClick={() => session.handle(error)}>
          Enter an API key
        </button>
      )}
    </div>
  );
}
