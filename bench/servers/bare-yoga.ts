import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";

// The baseline: graphql-yoga with nothing of the gateway, answering `{ __typename }`.
const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { ok: Boolean }" }), logging: false });
const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  console.log(`PORT=${(server.address() as AddressInfo).port}`),
);
