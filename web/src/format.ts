/** Human-readable figures for the page: sizes, counts, dates, durations, speeds. */

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"];

/** Bytes in decimal units ("1.4 MB"), as registries and download tools show them. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${BYTE_UNITS[unit]}`;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** Large counts in a short form ("12.3K"). */
export function formatCount(count: number | null | undefined): string {
  return count == null ? "—" : compact.format(count);
}

const dates = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const dateTimes = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** A day ("12 Mar 2025"); with `time`, the hour too. */
export function formatDate(iso: string | null | undefined, time = false): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : (time ? dateTimes : dates).format(date);
}

/** Seconds left, rounded for people ("12 s", "3 min 5 s"). */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  return minutes < 60 ? `${minutes} min ${whole % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Milliseconds with a precision that fits their size. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return "—";
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A transfer speed ("2.1 MB/s"). */
export function formatSpeed(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond == null ? "—" : `${formatBytes(bytesPerSecond)}/s`;
}

/** The words for an AccessStatus. */
export const ACCESS_LABELS: Record<string, string> = {
  PUBLIC: "public",
  GATED: "gated, access granted",
  DENIED: "gated, access not granted",
  REQUIRES_TOKEN: "gated, token needed",
  PRIVATE: "private",
};

/** A tensor shape, symbolic dimensions by name: "[batch, 3, 224, 224]". */
export function formatShape(shape: readonly (number | string)[] | null | undefined): string {
  return shape ? `[${shape.join(", ")}]` : "unknown";
}
