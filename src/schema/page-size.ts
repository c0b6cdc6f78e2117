/**
 * The page sizes the history lists serve, refused beyond them rather than clamped.
 */
import { InvalidInput } from "../domain/errors.js";

/** The most items one page of a history list holds. */
export const MAX_HISTORY_PAGE = 100;

/**
 * Refuses a page size the lists do not serve, naming the bound, rather than silently returning
 * fewer items than asked for (Pothos would clamp `first: 1000` to its maximum without a word).
 */
export function checkPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const name of ["first", "last"] as const) {
    const size = args[name];
    if (size != null && size > MAX_HISTORY_PAGE) {
      throw new InvalidInput(`${name} must be between 0 and ${MAX_HISTORY_PAGE} (got ${size}).`, { field: name });
    }
  }
}
