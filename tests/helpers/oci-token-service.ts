import { spawnSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RegistryTokenAuth } from "./docker-registry.js";
import { type LocalServer, startLocalServer } from "./local-server.js";

/** One access grant of a registry token (Docker's token specification, JWT claim `access`). */
export interface Access {
  type: "repository" | "registry";
  name: string;
  actions: string[];
}

export interface TokenRequest {
  authorization: string | null;
  service: string | null;
  scopes: string[];
}

export interface TokenServiceOptions {
  /** Accounts the service accepts as Basic credentials: they may pull and push anything, and list the catalog. */
  users?: Record<string, string>;
  /** Repositories anonymous callers may pull; others get a token without that access (as Docker Hub does). */
  publicRepositories?: string[];
  expiresInSeconds?: number;
}

/**
 * A token service for registry:2's `auth: token` configuration, written from Docker's token
 * authentication specification: `GET <realm>?service=…&scope=repository:<name>:pull` answers
 * `{"token","expires_in","issued_at"}`, a JWT signed (ES256) with a key whose self-signed
 * certificate (x5c) the registry trusts through its rootcertbundle. Wrong Basic credentials get 401.
 * The key pair is generated here and the certificate by openssl, so nothing secret is committed.
 */
export class TokenService {
  readonly requests: TokenRequest[] = [];
  readonly service = "test-registry";
  readonly issuer = "test-token-issuer";
  /** The lifetime of the tokens it issues (changeable between calls). */
  expiresInSeconds: number;
  private constructor(
    private readonly server: LocalServer,
    private readonly dir: string,
    private readonly key: KeyObject,
    private readonly certificate: string,
    private readonly options: TokenServiceOptions,
  ) {
    this.expiresInSeconds = options.expiresInSeconds ?? 300;
  }

  static async start(options: TokenServiceOptions = {}): Promise<TokenService> {
    const dir = await mkdtemp(join(tmpdir(), "oci-tokens-"));
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    writeFileSync(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    const made = spawnSync("openssl", [
      "req",
      "-x509",
      "-new",
      "-key",
      join(dir, "key.pem"),
      "-subj",
      "/CN=test-token-issuer",
      "-days",
      "2",
      "-out",
      join(dir, "cert.pem"),
    ]);
    if (made.status !== 0) throw new Error(`openssl could not make the token certificate: ${made.stderr}`);
    const certificate = new X509Certificate(readFileSync(join(dir, "cert.pem"))).raw.toString("base64");
    let service: TokenService | undefined;
    const server = await startLocalServer((request, response) => {
      const answer = (service as TokenService).answer(request);
      response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
    service = new TokenService(server, dir, createPrivateKey(readFileSync(join(dir, "key.pem"))), certificate, options);
    return service;
  }

  get realm(): string {
    return `${this.server.url}/token`;
  }

  /** The registry's configuration for this service. */
  registryAuth(): RegistryTokenAuth {
    return { realm: this.realm, service: this.service, issuer: this.issuer, certPath: join(this.dir, "cert.pem") };
  }

  /** A token for exactly this access (the tests' own pushes). */
  mint(access: Access[], expiresInSeconds = 300): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const header = encode({ typ: "JWT", alg: "ES256", x5c: [this.certificate] });
    const claims = encode({
      iss: this.issuer,
      sub: "test",
      aud: this.service,
      exp: now + expiresInSeconds,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    });
    const signature = sign("sha256", Buffer.from(`${header}.${claims}`), { key: this.key, dsaEncoding: "ieee-p1363" });
    return `${header}.${claims}.${signature.toString("base64url")}`;
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private answer(request: IncomingMessage): { status: number; body: object } {
    const url = new URL(request.url ?? "/", "http://token");
    const authorization = request.headers.authorization ?? null;
    const scopes = url.searchParams.getAll("scope").flatMap((scope) => scope.split(" "));
    this.requests.push({ authorization, service: url.searchParams.get("service"), scopes });
    let user: string | null = null;
    if (authorization?.startsWith("Basic ")) {
      const [name, password] = Buffer.from(authorization.slice(6), "base64").toString().split(":");
      if (!name || this.options.users?.[name] !== password) {
        return { status: 401, body: { errors: [{ code: "UNAUTHORIZED", message: "incorrect username or password" }] } };
      }
      user = name;
    }
    const access = scopes.flatMap((scope): Access[] => {
      const [type, name, actions] = scope.split(":");
      if (!name || (type !== "repository" && type !== "registry")) return [];
      if (user) return [{ type, name, actions: (actions ?? "").split(",") }];
      const isPublic = type === "repository" && this.options.publicRepositories?.includes(name);
      return isPublic ? [{ type, name, actions: ["pull"] }] : [];
    });
    const expiresIn = this.expiresInSeconds;
    return {
      status: 200,
      body: { token: this.mint(access, expiresIn), expires_in: expiresIn, issued_at: new Date().toISOString() },
    };
  }
}
