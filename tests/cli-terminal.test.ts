import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCliInTerminal } from "./helpers/cli.js";
import { type HubGateway, startHubGateway } from "./helpers/hub-gateway.js";
import { waitForPull } from "./helpers/pulls.js";

const WEIGHTS = Buffer.alloc(2_000_000, 3);

let setup: HubGateway;
let env: Record<string, string>;

beforeAll(async () => {
  setup = await startHubGateway(
    {
      repos: [{ id: "acme/slow-weights", files: [{ path: "model.onnx", content: WEIGHTS }] }],
      // About 1 MB/s: two seconds of pulling, time enough to see the bar and to press Ctrl-C.
      cdnThrottle: { chunkBytes: 32_768, pauseMs: 30 },
    },
    {},
    { http: true },
  );
  env = { GATEWAY_URL: `${setup.gateway.url}/graphql` };
});
afterAll(() => setup?.close());

describe("model-gateway pull at a terminal", () => {
  it("draws a progress bar with bytes, speed and the current file up to 100 %, and exits 0", async () => {
    const cli = startCliInTerminal(["pull", "hf:acme/slow-weights"], env);

    const { code, stdout } = await cli.result;

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /hf:acme\/slow-weights.* [█░]{24} \d+% \| [\d.]+ [kM]B \/ 2 MB \| [\d.]+ [kM]B\/s \| ETA .* model\.onnx/,
    );
    expect(stdout).toMatch(/█{24} 100% \| 2 MB \/ 2 MB/);
    expect(stdout).toMatch(/Pulled hf:acme\/slow-weights@[0-9a-f]{40}: 1 file, 2 MB in /);
  });

  it("asks on Ctrl-C; y cancels the pull on the gateway, and it exits 130", async () => {
    const cli = startCliInTerminal(["pull", "hf:acme/slow-weights", "--force"], env);
    await cli.waitFor(/\d+% \| [\d.]+ [kM]B \/ 2 MB/);

    cli.child.stdin.write("\u0003");
    await cli.waitFor(/Cancel the pull on the gateway\? \[y: cancel, Enter: leave it running\]/);
    cli.child.stdin.write("y\r");
    const { code, stdout } = await cli.result;

    expect(code).toBe(130);
    const pullId = /Cancelled pull (\S+);/.exec(stdout)?.[1] as string;
    expect((await waitForPull(setup.gateway, pullId)).status).toBe("CANCELLED");
  });

  it("asks on Ctrl-C; Enter leaves the pull running to its end, and it exits 130", async () => {
    const cli = startCliInTerminal(["pull", "hf:acme/slow-weights", "--force"], env);
    await cli.waitFor(/\d+% \| [\d.]+ [kM]B \/ 2 MB/);

    cli.child.stdin.write("\u0003");
    await cli.waitFor(/Cancel the pull on the gateway\?/);
    cli.child.stdin.write("\r");
    const { code, stdout } = await cli.result;

    expect(code).toBe(130);
    const pullId = /Pull (\S+) goes on in the gateway/.exec(stdout)?.[1] as string;
    expect((await waitForPull(setup.gateway, pullId)).status).toBe("SUCCEEDED");
  });
});
