/**
 * Writes a NumPy .npy file (format 1.0) as numpy.save does: magic, version, a header dict padded
 * with spaces to a multiple of 64 bytes and ended by a newline, then the raw data. Written here
 * from the format's specification, so the CLI's reader is checked against an independent writer.
 */
export function npyFile(descr: string, shape: number[], data: Uint8Array, fortranOrder = false): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? "True" : "False"}, 'shape': (${dims}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${" ".repeat(Math.ceil(unpadded / 64) * 64 - unpadded)}\n`;
  const prefix = Buffer.alloc(10);
  prefix.write("\x93NUMPY", 0, "latin1");
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), data]);
}

/** The bytes of a typed array (little-endian on every machine the tests run on). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
