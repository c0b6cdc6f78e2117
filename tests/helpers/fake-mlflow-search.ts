import type { FakeMlflowModel } from "./fake-mlflow-models.js";

/** The fake MLflow server's search grammar and paging, as MLflow's SearchUtils define them. */

/** MLflow's page tokens: base64 of {"offset": n}. */
export function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64");
}

export function readPageToken(token: string | null): number | null {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset?: unknown }).offset;
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : null;
  } catch {
    return null;
  }
}

/**
 * The registered-models filter grammar the gateway uses: `name LIKE|ILIKE|= '<value>'` and
 * ``tags.`key` = '<value>'`` conditions joined by AND; null for anything else.
 */
export function parseFilter(filter: string | null): Array<(model: FakeMlflowModel) => boolean> | null {
  if (!filter) return [];
  const tests: Array<(model: FakeMlflowModel) => boolean> = [];
  for (const condition of filter.split(/\s+AND\s+/i)) {
    const name = /^name\s+(LIKE|ILIKE|=)\s+(['"])(.*)\2$/i.exec(condition.trim());
    if (name) {
      const [, op, , value] = name as unknown as [string, string, string, string];
      const pattern = value
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        .replace(/%/g, ".*")
        .replace(/_/g, ".");
      const regex = new RegExp(
        `^${op === "=" ? value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : pattern}$`,
        op.toUpperCase() === "ILIKE" ? "i" : "",
      );
      tests.push((model) => regex.test(model.name));
      continue;
    }
    const tag = /^tags\.(?:`([^`]+)`|([\w.]+))\s*=\s*(['"])(.*)\3$/.exec(condition.trim());
    if (!tag) return null;
    const key = tag[1] ?? tag[2] ?? "";
    tests.push((model) => model.tags?.[key] === tag[4]);
  }
  return tests;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
