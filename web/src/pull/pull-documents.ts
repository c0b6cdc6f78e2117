import { graphql, type ResultOf } from "../../../src/client/graphql.js";

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

/** Stops a running pull (its partial files stay for the next one). */
export const CancelPull = graphql(`
  mutation CancelPull($id: ID!) {
    cancelPull(id: $id) {
      __typename
      ... on Pull {
        id
        status
      }
      ... on GatewayError {
        code
        message
      }
    }
  }
`);

/** A pull's progress over server-sent events, ending with its final status. */
export const PullProgress = graphql(`
  subscription PullProgress($id: ID!) {
    pullProgress(id: $id) {
      pullId
      status
      bytesDone
      bytesTotal
      bytesPerSecond
      etaSeconds
      currentFile
      filesDone
      filesTotal
      errorCode
      errorMessage
    }
  }
`);

export type Progress = ResultOf<typeof PullProgress>["pullProgress"];
