import { useEffect, useRef, useState } from "preact/hooks";

interface DraftInputProps {
  id: string;
  value: string;
  /** Called with the text once typing pauses (or on Enter, through the form). */
  onCommit(value: string): void;
  type?: "search" | "text" | "number";
  list?: string;
  placeholder?: string;
  min?: number;
  step?: string;
  inputMode?: "numeric" | "decimal" | "search" | "text";
  delayMs?: number;
}

/**
 * A text field that searches as one types without a request per key: it commits its text after a
 * short pause, and follows its value when the URL changes it (back button, a shared link) without
 * undoing what is being typed.
 */
export function DraftInput({ value, onCommit, delayMs = 300, ...attributes }: DraftInputProps) {
  const [draft, setDraft] = useState(value);
  const committed = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (value === committed.current) return;
    committed.current = value;
    setDraft(value);
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);

  const commit = (text: string) => {
    clearTimeout(timer.current ?? undefined);
    if (text === committed.current) return;
    committed.current = text;
    onCommit(text);
  };

  return (
    <input
      {...attributes}
      value={draft}
      autocomplete="off"
      onInput={(event) => {
        const text = event.currentTarget.value;
        setDraft(text);
        clearTimeout(timer.current ?? undefined);
        timer.current = setTimeout(() => commit(text), delayMs);
      }}
      onChange={(event) => commit(event.currentTarget.value)}
    />
  );
}
