import prettyBytes from "pretty-bytes";
import prettyMilliseconds from "pretty-ms";

/** What a table shows where the gateway has no value. */
export const NONE = "-";

/** Bytes as people read them (SI units, as the Hugging Face Hub shows sizes): 1.2 MB. */
export function bytes(value: number | null | undefined): string {
  return value == null ? NONE : prettyBytes(value);
}

/** A transfer speed: 3.4 MB/s. */
export function speed(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond == null ? NONE : `${prettyBytes(bytesPerSecond)}/s`;
}

/** A duration in milliseconds: 1.2s, 3m 5s; "0ms" stays short. */
export function duration(ms: number | null | undefined): string {
  return ms == null ? NONE : prettyMilliseconds(ms, { secondsDecimalDigits: 1, millisecondsDecimalDigits: 1 });
}

/** Seconds left, rounded to whole seconds: 45s, 2m 10s. */
export function eta(seconds: number | null | undefined): string {
  return seconds == null ? NONE : prettyMilliseconds(Math.ceil(seconds) * 1000);
}

/** A count, compact past ten thousand: 950, 12K, 3.4M. */
export function count(value: number | null | undefined): string {
  if (value == null) return NONE;
  return value < 10_000 ? String(value) : new Intl.NumberFormat("en", { notation: "compact" }).format(value);
}

/** An ISO timestamp as its date (tables) or date and minute (history). */
export function date(iso: string | null | undefined, withTime = false): string {
  if (!iso) return NONE;
  return withTime ? iso.slice(0, 16).replace("T", " ") : iso.slice(0, 10);
}

/** A tensor shape: [1, 3, "batch"] as [1, 3, batch]. */
export function shape(dims: ReadonlyArray<number | string> | null | undefined): string {
  return dims == null ? "?" : `[${dims.join(", ")}]`;
}

/** A number for a table of scores or outputs: at most 6 significant digits. */
export function number(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** "1 file", "3 files". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
