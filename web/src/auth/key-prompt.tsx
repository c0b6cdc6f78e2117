import { useEffect, useRef, useState } from "preact/hooks";
import { session, useSession } from "../api/session.js";

/**
 * Asks for an API key when the gateway refuses a request without one (401 UNAUTHENTICATED). A
 * modal dialog: focus moves into it, Escape dismisses it. The key is kept for this tab only.
 */
export function KeyPrompt() {
  const { keyRequest, hasKey } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [key, setKey] = useState("");

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (keyRequest !== null && !element.open) element.showModal();
    if (keyRequest === null && element.open) element.close();
  }, [keyRequest]);

  return (
    <dialog ref={dialog} class="key-prompt" aria-labelledby="key-title" onClose={() => session.dismissPrompt()}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) session.setKey(key.trim());
          setKey("");
        }}
      >
        <h2 id="key-title">API key needed</h2>
        <p>
          {hasKey && "The gateway did not accept the key you gave. "}
          {keyRequest}
        </p>
        <div class="field">
          <label for="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autocomplete="off"
            required
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
        </div>
        <p class="muted">It is kept in this tab only (session storage) and sent to this gateway alone.</p>
        <div class="actions">
          <button type="submit" class="primary">
            Use this key
          </button>
          <button type="button" onClick={() => session.dismissPrompt()}>
            Not now
          </button>
        </div>
      </form>
    </dialog>
  );
}
