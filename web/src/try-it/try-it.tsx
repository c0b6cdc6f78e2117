import type { Details } from "../details/model-documents.js";
import { isRunnable, RUNNABLE_TYPES } from "./tensor-values.js";
import { TryItForm } from "./try-it-form.js";

/** Output names that say "scores per class". */
const SCORES = /prob|score|logit|softmax|class/i;

/**
 * Try it for a runnable model (ONNX, with a signature of tensors the gateway can feed), or why it
 * cannot be tried here.
 */
export function TryIt({ model }: { model: Details }) {
  if (model.format !== "ONNX") {
    return (
      <p class="muted">Only ONNX models run in the gateway; this one is {model.format}. It can still be pulled.</p>
    );
  }
  if (!model.inputs) {
    return <p class="muted">Its signature is not known yet: pull the model, and its inputs are read from its file.</p>;
  }
  if (!isRunnable(model.inputs)) {
    const types = [...RUNNABLE_TYPES].join(", ");
    return <p class="muted">Its inputs cannot be built here: the page feeds tensors of known rank of {types}.</p>;
  }
  const classifier =
    (model.task ?? "").includes("classification") || (model.outputs ?? []).some((output) => SCORES.test(output.name));
  return (
    <>
      {!model.cached && <p class="muted">It is not cached: running it pulls it first, as Pull would.</p>}
      <TryItForm key={model.ref} modelRef={model.ref} inputs={model.inputs} classifier={classifier} />
    </>
  );
}
