import picomatch from "picomatch";
import { InvalidInput } from "../../domain/errors.js";
import type { ModelFile } from "../../domain/model.js";

/**
 * What inference needs when a pull names no files: ONNX graphs with their external data, and the
 * JSON and tokenizer files beside them. A pattern without a slash matches a file name at any depth.
 */
export const DEFAULT_PATTERNS: readonly string[] = [
  "*.onnx",
  "*.onnx_data",
  "*.onnx.data",
  "*.json",
  "tokenizer*",
  "vocab*",
  "merges.txt",
  "*.model",
];

const MAX_PATTERNS = 100;
const MAX_PATTERN_LENGTH = 256;

export interface FileSelection {
  /** The patterns as the pull records them ([] stands for the defaults). */
  patterns: string[];
  files: ModelFile[];
}

/**
 * The files a pull brings: those matching the given glob patterns, or by default the inference
 * files (every file when the model has no ONNX file). A given pattern that matches nothing is an
 * input error naming it, since a typo would otherwise pull less than asked.
 */
export function selectFiles(all: readonly ModelFile[], patterns: readonly string[] | null): FileSelection {
  if (patterns === null) {
    const hasOnnx = all.some((file) => file.path.toLowerCase().endsWith(".onnx"));
    return { patterns: [], files: hasOnnx ? all.filter(matcher(DEFAULT_PATTERNS)) : [...all] };
  }
  if (patterns.length === 0 || patterns.length > MAX_PATTERNS) {
    throw new InvalidInput(
      `files must list 1 to ${MAX_PATTERNS} glob patterns (e.g. ["*.onnx", "config.json"]), or be left out for the inference files.`,
      { field: "files" },
    );
  }
  for (const pattern of patterns) {
    if (pattern.trim().length === 0 || pattern.length > MAX_PATTERN_LENGTH) {
      throw new InvalidInput(`Each files pattern must be 1 to ${MAX_PATTERN_LENGTH} characters.`, { field: "files" });
    }
    if (!all.some(matcher([pattern]))) {
      const some = all
        .slice(0, 10)
        .map((file) => file.path)
        .join(", ");
      throw new InvalidInput(
        `The pattern ${JSON.stringify(pattern)} matches none of the model's ${all.length} files (${some}${all.length > 10 ? ", …" : ""}).`,
        { field: "files" },
      );
    }
  }
  return { patterns: [...patterns], files: all.filter(matcher(patterns)) };
}

/** Whether a file's path matches any of the patterns. */
export function matcher(patterns: readonly string[]): (file: ModelFile) => boolean {
  const isMatch = picomatch([...patterns], { basename: true, dot: true });
  return (file) => isMatch(file.path);
}
