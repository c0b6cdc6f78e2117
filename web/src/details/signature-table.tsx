import { formatShape } from "../format.js";
import type { TensorSpec } from "./model-documents.js";

/** The model's tensor signature: inputs then outputs, with element types and shapes. */
export function SignatureTable(props: { inputs: readonly TensorSpec[] | null; outputs: readonly TensorSpec[] | null }) {
  const { inputs, outputs } = props;
  if (!inputs && !outputs) {
    return (
      <p class="muted">Not known yet: the registry publishes none; it is read from the model's file once pulled.</p>
    );
  }
  const rows = [
    ...(inputs ?? []).map((tensor) => ({ kind: "input", tensor })),
    ...(outputs ?? []).map((tensor) => ({ kind: "output", tensor })),
  ];
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Tensor signature</caption>
        <thead>
          <tr>
            <th scope="col">Direction</th>
            <th scope="col">Name</th>
            <th scope="col">Element type</th>
            <th scope="col">Shape</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ kind, tensor }) => (
            <tr key={`${kind}:${tensor.name}`}>
              <td>{kind}</td>
              <th scope="row">
                <code>{tensor.name}</code>
              </th>
              <td>{tensor.elementType ?? "not a tensor"}</td>
              <td>
                <code>{formatShape(tensor.shape)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
