import { FileNotFound, InvalidInput } from "../domain/errors.js";
import type { ModelFile } from "../domain/model.js";

/** Where exporters put the one graph of a model (Optimum writes onnx/model.onnx). */
const CONVENTIONAL_PATHS = ["model.onnx", "onnx/model.onnx"];
const MAX_LISTED = 20;

/**
 * Which of a model's files to run: the `file` asked for, else the root `model.onnx`, else
 * `onnx/model.onnx`, else the only .onnx file. Anything else needs `file`, and the error lists
 * the candidates.
 */
export function chooseModelFile(ref: string, files: readonly ModelFile[], requested: string | null): ModelFile {
  const candidates = files.filter((file) => file.path.toLowerCase().endsWith(".onnx"));
  if (requested !== null) {
    const file = files.find((f) => f.path === requested);
    if (!file) throw new FileNotFound(ref, requested, { field: "file" });
    if (!candidates.includes(file)) {
      throw new InvalidInput(`file must be an .onnx file of ${ref}; its .onnx files are ${list(candidates)}.`, {
        field: "file",
        ref,
      });
    }
    return file;
  }
  for (const path of CONVENTIONAL_PATHS) {
    const file = candidates.find((f) => f.path === path);
    if (file) return file;
  }
  if (candidates.length === 1) return candidates[0] as ModelFile;
  if (candidates.length === 0) {
    throw new InvalidInput(`Model ${ref} has no .onnx file to run.`, { field: "model", ref });
  }
  throw new InvalidInput(`Model ${ref} has ${candidates.length} .onnx files; name one in file: ${list(candidates)}.`, {
    field: "file",
    ref,
  });
}

function list(files: readonly ModelFile[]): string {
  if (files.length === 0) return "none";
  const shown = files.slice(0, MAX_LISTED).map((file) => file.path);
  return shown.join(", ") + (files.length > MAX_LISTED ? ` and ${files.length - MAX_LISTED} more` : "");
}
