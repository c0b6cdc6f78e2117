import { UnsafePath } from "../domain/errors.js";

const MAX_PATH_LENGTH = 1024;

/**
 * Why a path from a registry cannot become a path under the cache, or null when it can. Checked
 * before anything touches the disk: a hostile or broken registry must not write outside the store.
 */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0) return "it is empty";
  if (path.length > MAX_PATH_LENGTH) return `it is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.includes("\0")) return "it contains a NUL character";
  if (path.includes("\\")) return "it contains a backslash";
  if (path.startsWith("/") || /^[a-zA-Z]:/.test(path)) return "it is absolute";
  const segments = path.split("/");
  if (segments.some((segment) => segment === "..")) return 'it has a ".." segment';
  if (segments.some((segment) => segment === "." || segment === "")) return 'it has an empty or "." segment';
  return null;
}

/** The path's segments, or UNSAFE_PATH naming the registry and why. */
export function safePathSegments(registry: string, path: string): string[] {
  const reason = unsafePathReason(path);
  if (reason !== null) throw new UnsafePath(registry, path, reason);
  return path.split("/");
}
