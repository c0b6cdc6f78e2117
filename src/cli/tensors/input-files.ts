import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { UsageError } from "../exit.js";
import { readJsonTensor } from "./json-tensor.js";
import { readNpy } from "./npy.js";
import type { TensorValues } from "./tensor-input.js";

/** One `--input` as written: the model input it feeds and the tensor read for it. */
export interface NamedTensor {
  name: string;
  values: TensorValues;
}

/**
 * Reads one `--input name=@file.npy`, `name=@file.json` or `name=<inline JSON>` (e.g.
 * `features=[[5.1,3.5,1.4,0.2]]`). A file's extension says how to read it: .npy as NumPy's format,
 * anything else as JSON.
 */
export async function readInput(spec: string): Promise<NamedTensor> {
  const separator = spec.indexOf("=");
  const name = spec.slice(0, separator);
  const value = spec.slice(separator + 1);
  if (separator <= 0 || value === "") {
    throw new UsageError(`--input ${spec}: write name=@file.npy, name=@file.json or name=<JSON>.`);
  }
  if (!value.startsWith("@")) return { name, values: readJsonTensor(value, `--input ${name}`) };
  const path = value.slice(1);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`--input ${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  const values =
    extname(path).toLowerCase() === ".npy" ? readNpy(bytes, path) : readJsonTensor(bytes.toString("utf8"), path);
  return { name, values };
}
