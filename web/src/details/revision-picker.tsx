import { baseRef, modelPath, refRevision } from "../model-path.js";
import { navigate } from "../router.js";

/**
 * The revisions the registry offers (opsets, versions, tags), to choose from: choosing one opens
 * that revision's details, as a page of its own.
 */
export function RevisionPicker(props: {
  modelRef: string;
  revisions: readonly string[] | null;
  resolved: string | null;
}) {
  const { modelRef: ref, revisions, resolved } = props;
  const asked = refRevision(ref);
  if (!revisions || revisions.length === 0) {
    return resolved ? (
      <p>
        Revision <code>{resolved}</code>
      </p>
    ) : null;
  }
  return (
    <div class="field field-inline">
      <label for="revision">Revision</label>
      <select
        id="revision"
        value={asked ?? ""}
        onChange={(event) => {
          const value = event.currentTarget.value;
          navigate(modelPath(value ? `${baseRef(ref)}@${value}` : baseRef(ref)));
        }}
      >
        <option value="">Default{resolved && !asked ? ` (${resolved})` : ""}</option>
        {revisions.map((revision) => (
          <option key={revision} value={revision}>
            {revision}
          </option>
        ))}
      </select>
    </div>
  );
}
