import { z } from "zod";

/** Zod schemas for environment variables: each error message says what is accepted. */

export const csv = (value: string): string[] =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

export const boolean = (fallback: boolean) =>
  z.stringbool({ error: "must be true or false (also accepted: 1/0, yes/no, on/off)" }).default(fallback);

/** An http(s) URL, without a trailing slash. */
export const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).transform((value) => value.replace(/\/+$/, ""));

export const url = (fallback: string) => httpUrl().default(fallback);

/** A secret or other text; an empty value counts as unset. */
export const optionalText = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value || null);
