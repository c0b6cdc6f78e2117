import { InvalidInput } from "../../domain/errors.js";
import type { ModelRef } from "../../domain/model-ref.js";
import { FRAMEWORKS, type Framework, findFramework } from "./frameworks.js";

/**
 * A model instance on Kaggle as kagglehub names it, `<owner>/<model>/<framework>/<variation>`,
 * and the version asked for (null: the instance's current version).
 */
export interface KaggleHandle {
  owner: string;
  model: string;
  framework: Framework;
  /** The instance's slug, which Kaggle's web pages call the variation. */
  variation: string;
  version: number | null;
}

export const HANDLE_FORM =
  "<owner>/<model>/<framework>/<variation>[@<version>], e.g. kaggle:google/mobilenet-v2/tfLite/100-224-classification@2";

/** Kaggle's slugs: letters, digits, `-`, `_` and `.`, starting with a letter or digit. */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const VERSION = /^[1-9][0-9]{0,8}$/;

/** Reads a reference's id and revision as a Kaggle handle, or throws BAD_USER_INPUT saying what is accepted. */
export function parseHandle(ref: ModelRef): KaggleHandle {
  const fail = (why: string): never => {
    throw new InvalidInput(`Invalid Kaggle model "${ref.id}": ${why}. Expected ${HANDLE_FORM}.`, { field: "ref" });
  };
  const parts = ref.id.split("/");
  if (parts.length !== 4) fail("a Kaggle model instance has four parts separated by /");
  const [owner, model, frameworkName, variation] = parts as [string, string, string, string];
  for (const [what, slug] of [
    ["owner", owner],
    ["model", model],
    ["variation", variation],
  ] as const) {
    if (!SLUG.test(slug) || slug.includes("..")) {
      fail(`the ${what} "${slug}" is not a Kaggle slug (letters, digits, -, _ and ., at most 100)`);
    }
  }
  const framework = findFramework(frameworkName);
  if (!framework) {
    fail(
      `"${frameworkName}" is not a Kaggle framework (one of ${FRAMEWORKS.map((known) => known.shortName).join(", ")})`,
    );
  }
  if (ref.revision !== null && !VERSION.test(ref.revision)) {
    fail(`the version after @ is a number of the instance's versions, not "${ref.revision}"`);
  }
  return {
    owner,
    model,
    framework: framework as Framework,
    variation,
    version: ref.revision === null ? null : Number(ref.revision),
  };
}

/** The handle's id with the framework's short name, as Kaggle and kagglehub write it. */
export function handleId(handle: Pick<KaggleHandle, "owner" | "model" | "framework" | "variation">): string {
  return `${handle.owner}/${handle.model}/${handle.framework.shortName}/${handle.variation}`;
}

/** The fields every instance request of the SDK carries (ApiGetModelInstanceRequest and its kin). */
export function instanceFields(handle: KaggleHandle) {
  return {
    ownerSlug: handle.owner,
    modelSlug: handle.model,
    framework: handle.framework.protoName,
    instanceSlug: handle.variation,
  };
}
