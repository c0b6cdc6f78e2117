import { DraftInput } from "./draft-input.js";
import { FORMATS, type SearchState, SORTS } from "./search-params.js";

/** Common tasks in Hugging Face pipeline terms, offered as suggestions (any task may be typed). */
const TASKS = [
  "image-classification",
  "object-detection",
  "image-segmentation",
  "text-classification",
  "token-classification",
  "feature-extraction",
  "question-answering",
  "text-generation",
  "automatic-speech-recognition",
  "tabular-classification",
];

const SORT_LABELS: Record<string, string> = {
  RELEVANCE: "Relevance",
  DOWNLOADS: "Most downloaded",
  LIKES: "Most liked",
  UPDATED: "Recently updated",
  NAME: "Name (A–Z)",
};

interface SearchFiltersProps {
  state: SearchState;
  /** The enabled registries, by name. */
  registries: readonly string[];
  onChange(state: SearchState): void;
}

/**
 * The search field, registry chips and filters. Each change becomes the page's URL (so the back
 * button undoes it), which then drives the search.
 */
export function SearchFilters({ state, registries, onChange }: SearchFiltersProps) {
  const set = (patch: Partial<SearchState>) => onChange({ ...state, ...patch });
  const toggle = (name: string) =>
    set({
      registries: state.registries.includes(name)
        ? state.registries.filter((r) => r !== name)
        : [...state.registries, name],
    });
  return (
    <search>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field field-query">
          <label for="q">Search models</label>
          <DraftInput id="q" type="search" value={state.query} onCommit={(query) => set({ query })} />
        </div>
        <fieldset class="chips">
          <legend>Registries</legend>
          {registries.map((name) => (
            <button
              key={name}
              type="button"
              class="chip"
              aria-pressed={state.registries.includes(name)}
              onClick={() => toggle(name)}
            >
              {name}
            </button>
          ))}
          {state.registries.length > 0 && (
            <button type="button" class="chip chip-clear" onClick={() => set({ registries: [] })}>
              All registries
            </button>
          )}
        </fieldset>
        <div class="filter-row">
          <div class="field">
            <label for="format">Format</label>
            <select
              id="format"
              value={state.format ?? ""}
              onChange={(event) => {
                const value = event.currentTarget.value;
                set({ format: FORMATS.find((f) => f === value) ?? null });
              }}
            >
              <option value="">Any format</option>
              {FORMATS.map((format) => (
                <option key={format} value={format}>
                  {format === "SAFETENSORS" ? "safetensors" : format}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="task">Task</label>
            <DraftInput id="task" list="tasks" value={state.task} onCommit={(task) => set({ task })} />
            <datalist id="tasks">
              {TASKS.map((task) => (
                <option key={task} value={task} />
              ))}
            </datalist>
          </div>
          <div class="field">
            <label for="license">Licence</label>
            <DraftInput id="license" value={state.license} onCommit={(license) => set({ license })} />
          </div>
          <div class="field field-size">
            <label for="min-size">Min size (MB)</label>
            <DraftInput
              id="min-size"
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={state.minSizeMb === null ? "" : String(state.minSizeMb)}
              onCommit={(text) => set({ minSizeMb: sizeOf(text) })}
            />
          </div>
          <div class="field field-size">
            <label for="max-size">Max size (MB)</label>
            <DraftInput
              id="max-size"
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={state.maxSizeMb === null ? "" : String(state.maxSizeMb)}
              onCommit={(text) => set({ maxSizeMb: sizeOf(text) })}
            />
          </div>
          <div class="field">
            <label for="sort">Sort by</label>
            <select
              id="sort"
              value={state.sort}
              onChange={(event) => {
                const value = event.currentTarget.value;
                set({ sort: SORTS.find((s) => s === value) ?? "RELEVANCE" });
              }}
            >
              {SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {SORT_LABELS[sort]}
                </option>
              ))}
            </select>
          </div>
        </div>
      </form>
    </search>
  );
}

function sizeOf(text: string): number | null {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) && value >= 0 ? value : null;
}
