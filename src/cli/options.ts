import { InvalidArgumentError } from "commander";

/** Commander parser for a whole number within bounds (a usage error, exit 2, otherwise). */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

/** Commander parser for a repeatable option: each use adds to the list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Commander parser for one of an enum's values, typed in any case and answered as the API spells
 * it (upper case); commander's own choices() would refuse "onnx" for ONNX.
 */
export function oneOf<const T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    const found = values.find((known) => known === value.toUpperCase());
    if (!found) throw new InvalidArgumentError(`expected one of ${values.map((v) => v.toLowerCase()).join(", ")}.`);
    return found;
  };
}
