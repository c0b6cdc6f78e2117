import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isInputObjectType, isInterfaceType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";
import { printedSchema } from "../src/schema/print.js";

describe("schema", () => {
  it("matches the committed schema.graphql (run `npm run schema:print` after changing it)", () => {
    expect(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8")).toBe(printedSchema());
  });

  it("matches the typed clients' view of it, src/client/graphql-env.d.ts (also `npm run schema:print`)", () => {
    const fresh = join(mkdtempSync(join(tmpdir(), "graphql-env-")), "graphql-env.d.ts");
    execFileSync(process.execPath, ["node_modules/gql.tada/bin/cli.js", "generate-output", "--output", fresh], {
      stdio: "ignore",
    });

    expect(readFileSync("src/client/graphql-env.d.ts", "utf8")).toBe(readFileSync(fresh, "utf8"));
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
