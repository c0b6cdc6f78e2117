import { formatMs, formatShape } from "../format.js";
import type { InferenceResult, TensorOutput } from "./inference-documents.js";

/** Values shown of an output that is not a class distribution. */
const PREVIEW_VALUES = 32;
/** Classes listed for a classifier's output. */
const TOP_CLASSES = 5;

/** How a run went (provider, timings) and its outputs; a classifier's as its top classes. */
export function InferenceResultView({ result, classifier }: { result: InferenceResult; classifier: boolean }) {
  const skipped = result.providersTried.filter((attempt) => !attempt.used);
  return (
    <section class="inference-result" aria-labelledby="result-heading">
      <h3 id="result-heading">Result</h3>
      <dl class="facts">
        <div class="fact">
          <dt>Provider</dt>
          <dd>
            {result.provider}
            {result.sessionReused && <span class="muted"> (session reused)</span>}
          </dd>
        </div>
        <div class="fact">
          <dt>Total</dt>
          <dd>{formatMs(result.timings.totalMs)}</dd>
        </div>
        <div class="fact">
          <dt>Run</dt>
          <dd>{formatMs(result.timings.runMs)}</dd>
        </div>
        <div class="fact">
          <dt>Session load</dt>
          <dd>{formatMs(result.timings.sessionLoadMs)}</dd>
        </div>
        <div class="fact">
          <dt>Queue</dt>
          <dd>{formatMs(result.timings.queueMs)}</dd>
        </div>
        <div class="fact">
          <dt>File</dt>
          <dd>
            <code>{result.file}</code>
          </dd>
        </div>
      </dl>
      {skipped.length > 0 && (
        <ul class="muted">
          {skipped.map((attempt) => (
            <li key={attempt.provider}>
              {attempt.provider} skipped: {attempt.reason}
            </li>
          ))}
        </ul>
      )}
      {result.outputs.map((output) => (
        <OutputView key={output.name} output={output} classifier={classifier} />
      ))}
    </section>
  );
}

function OutputView({ output, classifier }: { output: TensorOutput; classifier: boolean }) {
  const values = output.data ?? [];
  const top = classifier ? topClasses(output) : null;
  return (
    <div class="output">
      <h4>
        <code>{output.name}</code> <span class="muted">{output.elementType}</span>{" "}
        <code>{formatShape(output.shape)}</code>
      </h4>
      {top ? (
        <table class="top-classes">
          <caption>Top classes{output.shape.length > 1 && output.shape[0] !== 1 ? " (first item)" : ""}</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {top.map(({ index, score }) => (
              <tr key={index}>
                <th scope="row">class {index}</th>
                <td>{score.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <pre class="values">
          {values
            .slice(0, PREVIEW_VALUES)
            .map((value) => Number(value.toPrecision(6)))
            .join(", ")}
          {values.length > PREVIEW_VALUES && `, … (${values.length} values)`}
        </pre>
      )}
    </div>
  );
}

/**
 * The highest scores of the first item of a [classes] or [batch, classes] output; null when the
 * output does not look like scores per class.
 */
export function topClasses(output: TensorOutput): Array<{ index: number; score: number }> | null {
  const classes = output.shape.at(-1) ?? 0;
  const values = output.data ?? [];
  if (output.shape.length < 1 || output.shape.length > 2 || classes < 2 || values.length < classes) return null;
  return values
    .slice(0, classes)
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, TOP_CLASSES);
}
