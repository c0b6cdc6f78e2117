import { describe, expect, it } from "vitest";
import { parseChallenges } from "../src/registries/oci/auth-challenge.js";

const paramsOf = (header: string) =>
  parseChallenges(header).map((challenge) => [challenge.scheme, Object.fromEntries(challenge.params)]);

describe("WWW-Authenticate challenges of registries", () => {
  it("reads a bearer challenge whose quoted scope holds commas, as Docker Hub sends it", () => {
    expect(
      paramsOf(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull,push"',
      ),
    ).toEqual([
      [
        "bearer",
        {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/ubuntu:pull,push",
        },
      ],
    ]);
  });

  it("reads several challenges in one header, unquoted values, spaces and escaped quotes", () => {
    expect(
      paramsOf('Basic realm="Registry \\"x\\"" , Bearer realm=https://t.example/token, error=insufficient_scope'),
    ).toEqual([
      ["basic", { realm: 'Registry "x"' }],
      ["bearer", { realm: "https://t.example/token", error: "insufficient_scope" }],
    ]);
  });

  it("answers nothing for a missing header, and stops at an unterminated quote", () => {
    expect(parseChallenges(null)).toEqual([]);
    expect(paramsOf('Bearer realm="https://t.example/token')).toEqual([]);
  });
});
