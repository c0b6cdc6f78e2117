import { modelPath, navigate } from "../router.js";

/** The reference without its revision: `hf:org/name@main` → `hf:org/name`. */
export function baseRef(ref: string): string {
  const at = ref.indexOf("@", ref.indexOf(":") + 1);
  return at < 0 ? ref : ref.slice(0, at);
}

/** The revision a reference names, if any. */
export function refRevision(ref: string): string | null {
  const base = baseRef(ref);
  return base.length < ref.length ? ref.slice(base.length + 1) : null;
}

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
