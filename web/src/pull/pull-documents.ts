import { graphql } from "../../../src/client/graphql.js";

/** Starts a pull: the pull (to follow), or why it cannot start. */
export const PullModel = graphql(`
  mutation PullModel($ref: String!) {
    pullModel(ref: $ref) {
      __typename
      ... on Pull {
        id
        status
        bytesDone
        bytesTotal
        errorCode
        errorMessage
      }
      ... on GatewayError {
        code
        message
        accessUrl
        retryAfterSeconds
      }
    }
  }
`);
