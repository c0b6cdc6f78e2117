/**
 * IEEE 754 half-precision conversions. Hand-written because Node 20 has no Float16Array (it comes
 * with Node 24) and onnxruntime-node takes FLOAT16 tensors as Uint16Array bit patterns; the two
 * functions below are the whole need, not worth a dependency.
 */

/** The half-precision bit pattern nearest to `value` (ties to even), as ONNX Runtime expects. */
export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  // 65520 is halfway between the largest half (65504) and the next step: it and above round to infinity.
  if (magnitude >= 65520) return sign | 0x7c00;
  // Subnormals are multiples of 2^-24; scaling by a power of two is exact, so one rounding happens.
  if (magnitude < 2 ** -14) return sign | roundHalfToEven(magnitude * 2 ** 24);
  let exponent = Math.floor(Math.log2(magnitude));
  // log2 can be off by one next to powers of two; correct it so 2^exponent <= magnitude < 2^(exponent+1).
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  let mantissa = roundHalfToEven((magnitude / 2 ** exponent) * 1024);
  if (mantissa === 2048) {
    mantissa = 1024;
    exponent++;
  }
  return sign | ((exponent + 15) << 10) | (mantissa - 1024);
}

/** The number a half-precision bit pattern stands for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}
