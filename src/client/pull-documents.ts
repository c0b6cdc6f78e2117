/**
 * The pull operations every client of the gateway follows a pull with (the command line and the
 * model browser alike): its progress over server-sent events, and cancelling it.
 */
import { graphql, type ResultOf } from "./graphql.js";

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

/** One event of PullProgress. */
export type Progress = ResultOf<typeof PullProgress>["pullProgress"];

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
