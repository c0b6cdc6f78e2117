import type { TestApp } from "./test-app.js";

export const RUN_INFERENCE = `mutation Run($input: RunInferenceInput!) {
  runInference(input: $input) {
    __typename
    ... on GatewayError { code message field retryAfterSeconds ref: modelRef registry: registryName }
    ... on InferenceResult {
      runId model file fileSha256 provider backend sessionReused
      providersTried { provider backend used reason }
      outputs { name elementType shape data base64 }
      timings { queueMs sessionLoadMs runMs totalMs }
    }
  }
}`;

export interface InferenceOutput {
  name: string;
  elementType: string;
  shape: number[];
  data: number[] | null;
  base64: string | null;
}

export type RunResult =
  | { __typename: "GatewayError"; code: string; message: string; field: string | null; ref: string | null }
  | {
      __typename: "InferenceResult";
      runId: string;
      model: string;
      file: string | null;
      fileSha256: string | null;
      provider: string;
      backend: string | null;
      sessionReused: boolean;
      providersTried: Array<{ provider: string; backend: string | null; used: boolean; reason: string | null }>;
      outputs: InferenceOutput[];
      timings: Record<"queueMs" | "sessionLoadMs" | "runMs" | "totalMs", number>;
    };

/** Calls runInference through HTTP; GraphQL-level errors fail the test, typed results come back. */
export async function runInference(gateway: TestApp, input: Record<string, unknown>): Promise<RunResult> {
  const response = await gateway.graphql<{ runInference: RunResult }>(RUN_INFERENCE, { input });
  if (response.errors || !response.data) throw new Error(`runInference failed: ${JSON.stringify(response.errors)}`);
  return response.data.runInference;
}

/** The successful result, or a failure naming the GatewayError. */
export async function runOk(gateway: TestApp, input: Record<string, unknown>) {
  const result = await runInference(gateway, input);
  if (result.__typename !== "InferenceResult") throw new Error(`expected outputs, got ${JSON.stringify(result)}`);
  return result;
}
