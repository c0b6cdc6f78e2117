import { readFileSync } from "node:fs";
import { isInputObjectType, isInterfaceType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";
import { printedSchema } from "../src/schema/print.js";

describe("schema", () => {
  it("matches the committed schema.graphql (run `npm run schema:print` after changing it)", () => {
    expect(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8")).toBe(printedSchema());
  });

  it("describes every type, field and argument, since GraphiQL is the manual", () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (!type.description) missing.push(type.name);
      if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of "args" in field ? field.args : []) {
          if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
