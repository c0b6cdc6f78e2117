import { graphql, type ResultOf, type VariablesOf } from "../../../src/client/graphql.js";

/** Runs a model once: its outputs as JSON numbers and how it ran, or why it did not. */
export const RunInference = graphql(`
  mutation RunInference($input: RunInferenceInput!) {
    runInference(input: $input) {
      __typename
      ... on InferenceResult {
        model
        file
        provider
        sessionReused
        providersTried {
          provider
          used
          reason
        }
        timings {
          queueMs
          sessionLoadMs
          runMs
          totalMs
        }
        outputs {
          name
          elementType
          shape
          data
        }
      }
      ... on GatewayError {
        code
        message
        field
      }
    }
  }
`);

export type RunInput = VariablesOf<typeof RunInference>["input"];
export type TensorInput = RunInput["inputs"][number];
export type ExecutionProviderChoice = NonNullable<RunInput["executionProvider"]>;
type RunResult = ResultOf<typeof RunInference>["runInference"];
export type InferenceResult = Extract<RunResult, { __typename: "InferenceResult" }>;
export type TensorOutput = InferenceResult["outputs"][number];
