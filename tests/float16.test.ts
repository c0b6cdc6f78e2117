import { describe, expect, it } from "vitest";
import { fromFloat16Bits, toFloat16Bits } from "../src/inference/float16.js";

describe("half-precision conversion", () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // the largest half
    [65519, 0x7bff], // just below the halfway point to infinity
    [65520, 0x7c00], // halfway rounds to even: infinity
    [2 ** -14, 0x0400], // the smallest normal
    [2 ** -24, 0x0001], // the smallest subnormal
    [2 ** -25, 0x0000], // halfway to the smallest subnormal rounds to even: zero
    [0.1, 0x2e66],
    [2049, 0x6800], // halfway between 2048 and 2050: to even, 2048
    [2051, 0x6802], // halfway between 2050 and 2052: to even, 2052
    [-0, 0x8000],
    [Number.POSITIVE_INFINITY, 0x7c00],
  ])("encodes %d to its nearest half", (value, bits) => {
    expect(toFloat16Bits(value).toString(16)).toBe(bits.toString(16));
  });

  it("decodes every finite half back to the value it encodes from", () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromFloat16Bits(bits);
      const isNaNPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (Number.isNaN(value) ? !isNaNPattern : toFloat16Bits(value) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});
