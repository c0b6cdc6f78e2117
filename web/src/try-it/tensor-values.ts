import type { TensorSpec } from "../details/model-documents.js";

/** Element types runInference takes as JSON numbers. */
export const RUNNABLE_TYPES = new Set(["FLOAT32", "FLOAT16", "FLOAT64", "INT64", "INT32", "INT8", "UINT8", "BOOL"]);

/** The most values the page fills in for one run (a bigger tensor belongs in a script). */
export const MAX_VALUES = 4_000_000;

export type FillMode = "zeros" | "random" | "json";

/** A dimension the user fills in: symbolic ones by name (shared by every input that names it). */
export interface FreeDimension {
  key: string;
  label: string;
}

/** Whether the page can build inputs for this signature: every input a tensor of a runnable type with a known rank. */
export function isRunnable(inputs: readonly TensorSpec[] | null): inputs is readonly TensorSpec[] {
  return (
    !!inputs &&
    inputs.length > 0 &&
    inputs.every((input) => input.shape !== null && RUNNABLE_TYPES.has(input.elementType ?? ""))
  );
}

/** The key a dimension's value is kept under: its name, or its place when the model left it unnamed. */
export function dimensionKey(input: TensorSpec, index: number): string | null {
  const dimension = input.shape?.[index];
  if (typeof dimension === "number") return null;
  return dimension && dimension !== "?" ? dimension : `${input.name}[${index}]`;
}

/** The dimensions to ask for, each once, in the order the inputs name them. */
export function freeDimensions(inputs: readonly TensorSpec[]): FreeDimension[] {
  const seen = new Map<string, FreeDimension>();
  for (const input of inputs) {
    (input.shape ?? []).forEach((dimension, index) => {
      const key = dimensionKey(input, index);
      if (key && !seen.has(key)) {
        seen.set(key, { key, label: dimension === "?" ? `${input.name}, dimension ${index + 1}` : String(dimension) });
      }
    });
  }
  return [...seen.values()];
}

/** An input's concrete shape, symbolic dimensions replaced by the user's values. */
export function concreteShape(input: TensorSpec, values: Record<string, number>): number[] {
  return (input.shape ?? []).map((dimension, index) => {
    if (typeof dimension === "number") return dimension;
    const key = dimensionKey(input, index);
    return key ? (values[key] ?? 1) : 1;
  });
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((count, dimension) => count * dimension, 1);
}

/** Values for a tensor: zeros, or random ones that suit its type (0/1 for booleans, 0–9 for integers). */
export function generated(mode: "zeros" | "random", elementType: string, count: number): number[] {
  if (mode === "zeros") return new Array<number>(count).fill(0);
  const integer = elementType.startsWith("INT") || elementType.startsWith("UINT");
  return Array.from({ length: count }, () => {
    if (elementType === "BOOL") return Math.random() < 0.5 ? 0 : 1;
    return integer ? Math.floor(Math.random() * 10) : Math.round((Math.random() * 2 - 1) * 1e4) / 1e4;
  });
}

/**
 * Values from a JSON file: an object of input names to (nested) arrays of numbers, or, for a
 * model with one input, the array alone. Answers each input's flat values, or a message.
 */
export function valuesFromJson(text: string, inputs: readonly TensorSpec[]): Map<string, number[]> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `The file is not JSON (${(error as Error).message}).`;
  }
  const only = inputs[0];
  const byName: Record<string, unknown> =
    Array.isArray(parsed) && inputs.length === 1 && only
      ? { [only.name]: parsed }
      : typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
  const values = new Map<string, number[]>();
  for (const input of inputs) {
    const raw = byName[input.name];
    if (raw === undefined) return `The file has no values for the input "${input.name}".`;
    const flat = [raw].flat(Number.POSITIVE_INFINITY);
    if (!flat.every((value) => typeof value === "number" && Number.isFinite(value))) {
      return `The values for "${input.name}" must all be finite numbers.`;
    }
    values.set(input.name, flat as number[]);
  }
  return values;
}
