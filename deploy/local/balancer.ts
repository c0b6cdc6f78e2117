import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A round-robin TCP load balancer: each client connection goes to the next replica, bytes passed
 * through untouched (server-sent events stream as they are; no forwarding headers are added, so
 * keyless replicas on loopback accept it as a local client). It stands in for the load balancer
 * a deployment has (nginx in compose.yaml); written here because it is twenty lines of node:net.
 */
export function startBalancer(port: number, replicas: ReadonlyArray<{ host: string; port: number }>): Promise<Server> {
  let next = 0;
  const server = createServer((client: Socket) => {
    const target = replicas[next++ % replicas.length] as { host: string; port: number };
    const upstream = connect(target.port, target.host);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
