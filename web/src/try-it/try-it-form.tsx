import { useState } from "preact/hooks";
import { session } from "../api/session.js";
import { asGatewayError } from "../api/use-query.js";
import type { TensorSpec } from "../details/model-documents.js";
import { formatShape } from "../format.js";
import {
  type ExecutionProviderChoice,
  type InferenceResult,
  RunInference,
  type TensorInput,
} from "./inference-documents.js";
import { InferenceResultView } from "./inference-result.js";
import {
  concreteShape,
  elementCount,
  type FillMode,
  freeDimensions,
  generated,
  MAX_VALUES,
  valuesFromJson,
} from "./tensor-values.js";

const PROVIDERS = ["AUTO", "CPU", "CUDA", "WEBGPU"] as const satisfies readonly ExecutionProviderChoice[];

interface TryItProps {
  modelRef: string;
  inputs: readonly TensorSpec[];
  /** Whether the outputs are class scores (the top classes are then listed). */
  classifier: boolean;
}

/**
 * A form built from the model's signature: a field per symbolic dimension, where the values come
 * from (zeros, random, a JSON file), the execution provider; it runs runInference and shows what
 * came back.
 */
export function TryItForm({ modelRef, inputs, classifier }: TryItProps) {
  const free = freeDimensions(inputs);
  const [dimensions, setDimensions] = useState<Record<string, number>>(() =>
    Object.fromEntries(free.map((d) => [d.key, 1])),
  );
  const [mode, setMode] = useState<FillMode>("random");
  const [json, setJson] = useState<string | null>(null);
  const [provider, setProvider] = useState<ExecutionProviderChoice>("AUTO");
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<InferenceResult | null>(null);

  const run = async () => {
    setProblem(null);
    const built = buildInputs(inputs, dimensions, mode, json);
    if (typeof built === "string") return setProblem(built);
    setRunning(true);
    try {
      const { runInference: answer } = await session.current.client.request(RunInference, {
        input: { model: modelRef, inputs: built, executionProvider: provider, outputEncoding: "JSON" },
      });
      if (answer.__typename === "GatewayError") {
        setResult(null);
        setProblem(`${answer.message} (${answer.code}${answer.field ? `, ${answer.field}` : ""})`);
      } else {
        setResult(answer);
      }
    } catch (error) {
      session.handle(error);
      setProblem(`${asGatewayError(error).message} (${asGatewayError(error).code})`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <form
      class="try-it"
      aria-label="Try it"
      onSubmit={(event) => {
        event.preventDefault();
        void run();
      }}
    >
      <ul class="signature-inputs">
        {inputs.map((input) => (
          <li key={input.name}>
            <code>{input.name}</code> {input.elementType} <code>{formatShape(input.shape)}</code>
            {" → "}
            <code>{formatShape(concreteShape(input, dimensions))}</code>
          </li>
        ))}
      </ul>
      {free.length > 0 && (
        <fieldset>
          <legend>Dimensions</legend>
          {free.map((dimension) => (
            <div class="field field-inline" key={dimension.key}>
              <label for={`dim-${dimension.key}`}>{dimension.label}</label>
              <input
                id={`dim-${dimension.key}`}
                type="number"
                min={1}
                step={1}
                required
                value={dimensions[dimension.key] ?? 1}
                onInput={(event) => {
                  const value = Math.max(1, Math.floor(Number(event.currentTarget.value) || 1));
                  setDimensions((now) => ({ ...now, [dimension.key]: value }));
                }}
              />
            </div>
          ))}
        </fieldset>
      )}
      <fieldset>
        <legend>Values</legend>
        {(["random", "zeros", "json"] as const).map((choice) => (
          <label class="choice" key={choice}>
            <input type="radio" name="fill" value={choice} checked={mode === choice} onChange={() => setMode(choice)} />
            {choice === "random" ? "Random" : choice === "zeros" ? "Zeros" : "From a JSON file"}
          </label>
        ))}
        {mode === "json" && (
          <div class="field">
            <label for="values-file">Values file (JSON: input names to arrays of numbers)</label>
            <input
              id="values-file"
              type="file"
              accept="application/json,.json"
              onChange={async (event) => setJson((await event.currentTarget.files?.[0]?.text()) ?? null)}
            />
          </div>
        )}
      </fieldset>
      <div class="field field-inline">
        <label for="provider">Execution provider</label>
        <select
          id="provider"
          value={provider}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setProvider(PROVIDERS.find((p) => p === value) ?? "AUTO");
          }}
        >
          {PROVIDERS.map((p) => (
            <option key={p} value={p}>
              {p === "AUTO" ? "Automatic" : p}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="primary" disabled={running}>
        {running ? "Running…" : "Run"}
      </button>
      <div role="status" class="run-status">
        {problem && <p class="notice notice-error">{problem}</p>}
      </div>
      {result && <InferenceResultView result={result} classifier={classifier} />}
    </form>
  );
}

/** The runInference inputs, or what is wrong with the form. */
function buildInputs(
  inputs: readonly TensorSpec[],
  dimensions: Record<string, number>,
  mode: FillMode,
  json: string | null,
): TensorInput[] | string {
  const fromFile =
    mode === "json" ? (json === null ? "Choose a JSON file first." : valuesFromJson(json, inputs)) : null;
  if (typeof fromFile === "string") return fromFile;
  const built: TensorInput[] = [];
  for (const input of inputs) {
    const shape = concreteShape(input, dimensions);
    const count = elementCount(shape);
    if (count > MAX_VALUES) return `"${input.name}" would hold ${count} values; the page fills at most ${MAX_VALUES}.`;
    const elementType = input.elementType as TensorInput["elementType"];
    const data = fromFile
      ? (fromFile.get(input.name) ?? [])
      : generated(mode === "zeros" ? "zeros" : "random", elementType, count);
    if (data.length !== count) {
      return `"${input.name}" of shape ${formatShape(shape)} needs ${count} values; the file gives ${data.length}.`;
    }
    built.push({ name: input.name, elementType, shape, data });
  }
  return built;
}
