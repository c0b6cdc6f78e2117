import { setTimeout as sleep } from "node:timers/promises";
import type { TestApp } from "./test-app.js";

export interface PullData {
  id: string;
  ref: string;
  status: string;
  resolvedRevision: string | null;
  bytesTotal: number;
  bytesDone: number;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  files: Array<{ path: string; sizeBytes: number | null; sha256: string | null; status: string; bytesDone: number }>;
}

export interface GatewayErrorData {
  __typename: "GatewayError";
  code: string;
  message: string;
  path: string | null;
  field: string | null;
  modelRef: string | null;
  registryName: string | null;
}

export const PULL_FIELDS = `id ref status resolvedRevision bytesTotal bytesDone attempts errorCode errorMessage
  files { path sizeBytes sha256 status bytesDone }`;

const PULL_MODEL = `mutation($ref: String!, $files: [String!], $force: Boolean) {
  pullModel(ref: $ref, files: $files, force: $force) {
    __typename
    ... on Pull { ${PULL_FIELDS} }
    ... on GatewayError { code message path field modelRef registryName }
  }
}`;

/** Starts a pull; answers the Pull or the GatewayError the mutation returned. */
export async function pullModel(
  gateway: TestApp,
  ref: string,
  options: { files?: string[]; force?: boolean } = {},
): Promise<(PullData & { __typename: "Pull" }) | GatewayErrorData> {
  const response = await gateway.graphql<{ pullModel: (PullData & { __typename: "Pull" }) | GatewayErrorData }>(
    PULL_MODEL,
    { ref, ...options },
  );
  if (!response.data) throw new Error(`pullModel failed: ${JSON.stringify(response.errors)}`);
  return response.data.pullModel;
}

/** Starts a pull that must be accepted, and answers it. */
export async function startPull(gateway: TestApp, ref: string, options: { files?: string[]; force?: boolean } = {}) {
  const result = await pullModel(gateway, ref, options);
  if (result.__typename !== "Pull") throw new Error(`pull refused: ${result.code} ${result.message}`);
  return result;
}

export async function getPull(gateway: TestApp, id: string): Promise<PullData> {
  const response = await gateway.graphql<{ pull: PullData }>(`query($id: ID!) { pull(id: $id) { ${PULL_FIELDS} } }`, {
    id,
  });
  return response.data?.pull as PullData;
}

/** Reads a pull until `done` says so (by default: until it has ended). */
export async function waitForPull(
  gateway: TestApp,
  id: string,
  done: (pull: PullData) => boolean = (pull) => pull.status !== "QUEUED" && pull.status !== "RUNNING",
): Promise<PullData> {
  for (;;) {
    const pull = await getPull(gateway, id);
    if (done(pull)) return pull;
    await sleep(25);
  }
}

/** Pulls a model and waits for the end. */
export async function pullToEnd(gateway: TestApp, ref: string, options: { files?: string[]; force?: boolean } = {}) {
  return waitForPull(gateway, (await startPull(gateway, ref, options)).id);
}

/** The payloads of a subscription read over server-sent events, until the server completes it. */
export async function readEvents<T>(
  gateway: TestApp,
  query: string,
  variables: Record<string, unknown>,
  onEvent: (payload: { data?: T; errors?: Array<{ extensions?: { code?: string } }> }) => void = () => undefined,
) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query, variables }),
  });
  const payloads: Array<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> = [];
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (\w+)/m.exec(message)?.[1];
      const data = /^data: (.+)$/m.exec(message)?.[1];
      if (event === "next" && data) {
        const payload = JSON.parse(data);
        payloads.push(payload);
        onEvent(payload);
      }
      if (event === "complete") return { contentType: response.headers.get("content-type"), payloads };
    }
  }
  return { contentType: response.headers.get("content-type"), payloads };
}
