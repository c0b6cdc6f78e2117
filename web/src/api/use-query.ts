import type { TadaDocumentNode } from "gql.tada";
import { useCallback, useEffect, useState } from "preact/hooks";
import { GatewayRequestError } from "../../../src/client/gateway-client.js";
import { session, useSession } from "./session.js";

/** A query's state in a view. */
export interface QueryState<Result> {
  data: Result | null;
  error: GatewayRequestError | null;
  loading: boolean;
  /** Runs the query again (after a pull changed what it answers, say). */
  reload(): void;
}

/**
 * Runs a query whenever its variables (or the API key) change, cancelling the previous run, so a
 * view never shows an answer to a question it no longer asks. Null variables run nothing. A
 * refused key opens the key prompt; the query runs again once a key is given.
 */
export function useQuery<Result, Variables>(
  document: TadaDocumentNode<Result, Variables>,
  variables: Variables | null,
): QueryState<Result> {
  const { client, generation } = useSession();
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<Omit<QueryState<Result>, "reload">>({ data: null, error: null, loading: true });
  const key = JSON.stringify(variables);

  useEffect(() => {
    if (variables === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    client.request(document, variables, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        session.handle(error);
        setState({ data: null, error: asGatewayError(error), loading: false });
      },
    );
    return () => controller.abort();
  }, [client, generation, document, key, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { ...state, reload };
}

/** Any failure as a GatewayRequestError, so views show one kind of error. */
export function asGatewayError(error: unknown): GatewayRequestError {
  if (error instanceof GatewayRequestError) return error;
  return new GatewayRequestError("UNKNOWN", error instanceof Error ? error.message : String(error), []);
}
