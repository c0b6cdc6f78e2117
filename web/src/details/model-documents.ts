import { graphql, type ResultOf } from "../../../src/client/graphql.js";

/**
 * What the files table shows of each file. Where the same bytes live elsewhere (a field the API
 * may add to ModelFile) goes here and in FileTable's columns, nowhere else.
 */
export const FileFields = graphql(`
  fragment FileFields on ModelFile @_unmask {
    path
    sizeBytes
    sha256
    alsoAt {
      model
      path
    }
  }
`);

/** A tensor of the signature: name, element type, shape with symbolic dimensions. */
export const TensorFields = graphql(`
  fragment TensorFields on TensorSpec @_unmask {
    name
    elementType
    shape
  }
`);

/** A pull as the details view lists it (recent pulls, and the one to follow after a reload). */
export const PullSummary = graphql(`
  fragment PullSummary on Pull @_unmask {
    id
    status
    ref
    bytesDone
    bytesTotal
    createdAt
    finishedAt
    meanBytesPerSecond
    errorCode
    errorMessage
  }
`);

/** Everything the details view shows of one model. */
export const ModelDetails = graphql(
  `
  query ModelDetails($ref: String!) {
    model(ref: $ref) {
      ref
      registry
      id
      name
      author
      description
      license
      tags
      format
      task
      revision
      availableRevisions
      sizeBytes
      downloads
      likes
      updatedAt
      accessStatus
      gateKind
      pageUrl
      cached
      stale
      brokenReason
      opset
      irVersion
      producer
      onnxVersion
      onnxFiles
      languageModel {
        family
        parameterSize
        quantization
        contextLength
      }
      files {
        ...FileFields
      }
      inputs {
        ...TensorFields
      }
      outputs {
        ...TensorFields
      }
      pulls {
        ...PullSummary
      }
    }
  }
`,
  [FileFields, TensorFields, PullSummary],
);

export type Details = NonNullable<ResultOf<typeof ModelDetails>["model"]>;
export type ModelFile = ResultOf<typeof FileFields>;
export type TensorSpec = ResultOf<typeof TensorFields>;
export type PullSummaryData = ResultOf<typeof PullSummary>;
