import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { unsafePathReason } from "../src/cache/safe-path.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakePullRegistry } from "./helpers/fake-pull-registry.js";
import { FileServer } from "./helpers/file-server.js";
import { pullModel } from "./helpers/pulls.js";
import { cachedFiles, startTestApp } from "./helpers/test-app.js";

const HOSTILE = [
  ["../escape.onnx", /a "\.\." segment/],
  ["onnx/../../../escape.onnx", /a "\.\." segment/],
  ["/etc/cron.d/escape.onnx", /it is absolute/],
  ["C:/escape.onnx", /it is absolute/],
  ["onnx\\..\\..\\escape.onnx", /a backslash/],
  ["escape.onnx\0.txt", /a NUL character/],
  ["./model.onnx", /an empty or "\." segment/],
  ["onnx//model.onnx", /an empty or "\." segment/],
  ["", /it is empty/],
] as const;

describe("file paths from a hostile registry", () => {
  it.each(HOSTILE)("refuses %j before anything touches the disk (UNSAFE_PATH)", async (path, why) => {
    const server = await FileServer.start();
    const files = { "model.onnx": Buffer.from("fine"), [path]: Buffer.from("#!/bin/sh\nrm -rf ~\n") };
    const registry = new FakePullRegistry("evil", server.url).add("org/m", files, server);
    const gateway = await startTestApp({ registries: new RegistrySet([registry]) });

    const result = await pullModel(gateway, "evil:org/m", { files: ["*"] });

    expect(result).toMatchObject({ __typename: "GatewayError", code: "UNSAFE_PATH", path });
    expect((result as { message: string }).message).toMatch(why);
    expect(server.requests).toEqual([]);
    expect(await cachedFiles(gateway)).toEqual([]);
    const everything = await readdir(gateway.dataDir, { recursive: true });
    expect(everything.filter((name) => name.includes("escape"))).toEqual([]);
  });

  it("refuses revisions and model ids that would leave the cache (the user's before asking the registry)", async () => {
    const server = await FileServer.start();
    const registry = new FakePullRegistry("evil", server.url)
      .add("org/m", { "model.onnx": Buffer.from("x") }, server, "../../../refs/main")
      .add("../../outside", { "model.onnx": Buffer.from("x") }, server);
    const gateway = await startTestApp({ registries: new RegistrySet([registry]) });

    const revision = await pullModel(gateway, "evil:org/m");
    const asked = registry.listCalls;
    const id = await pullModel(gateway, "evil:../../outside");
    const branch = await pullModel(gateway, "evil:org/m@../../refs");

    expect(revision).toMatchObject({ code: "UNSAFE_PATH" });
    expect(id).toMatchObject({ code: "BAD_USER_INPUT", field: "ref" });
    expect(branch).toMatchObject({ code: "BAD_USER_INPUT", field: "ref" });
    expect(registry.listCalls).toBe(asked);
    expect(server.requests).toEqual([]);
    expect(await cachedFiles(gateway)).toEqual([]);
  });

  it("accepts ordinary nested paths", () => {
    expect(unsafePathReason("onnx/model.onnx")).toBeNull();
    expect(unsafePathReason("tokenizer.json")).toBeNull();
    expect(unsafePathReason("a..b/c.onnx")).toBeNull();
  });
});
