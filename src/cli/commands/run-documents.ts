import { graphql } from "../../client/graphql.js";

/** runInference with everything the run verb shows: outputs, provider (and those skipped), timings. */
export const RUN_INFERENCE = graphql(`
  mutation CliRun($input: RunInferenceInput!) {
    runInference(input: $input) {
      __typename
      ... on InferenceResult {
        runId
        model
        file
        provider
        sessionReused
        providersTried {
          provider
          used
          reason
        }
        outputs {
          name
          elementType
          shape
          data
          base64
        }
        timings {
          queueMs
          sessionLoadMs
          runMs
          totalMs
        }
      }
      ... on GatewayError {
        code
        message
        field
        modelRef
        path
      }
    }
  }
`);

/** The model's input types (a JSON tensor takes its input's type) and task (is it a classifier?). */
export const SIGNATURE = graphql(`
  query CliSignature($ref: String!) {
    model(ref: $ref) {
      task
      inputs {
        name
        elementType
      }
    }
  }
`);
