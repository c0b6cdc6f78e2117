import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Serves one file (BENCH_FILE) at every path, in its own process so the gateway and curl download
 * from the same server without sharing its event loop.
 */
const file = process.env.BENCH_FILE as string;
const size = statSync(file).size;
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-length": size, "content-type": "application/octet-stream" });
  createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(response);
});
server.listen(0, "127.0.0.1", () => console.log(`PORT=${(server.address() as AddressInfo).port}`));
