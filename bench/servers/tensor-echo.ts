import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A bare node:http server that reads a request body and answers as many bytes as the detector's
 * binary OIP answer holds: the floor any HTTP inference path pays for moving the same tensors.
 */
const answer = Buffer.alloc(Number(process.env.ANSWER_BYTES ?? 409_600 + 350));
const server = createServer(async (request, response) => {
  for await (const _chunk of request);
  response.writeHead(200, { "content-type": "application/octet-stream", "content-length": answer.byteLength });
  response.end(answer);
});
server.listen(0, "127.0.0.1", () => console.log(`PORT=${(server.address() as AddressInfo).port}`));
