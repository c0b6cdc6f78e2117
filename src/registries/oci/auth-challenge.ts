/**
 * The WWW-Authenticate challenges of a 401 answer (RFC 9110 §11.6.1), as registries send them:
 *   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"
 * Hand-parsed: a quoted value may hold commas (a scope with several actions), so splitting on
 * commas is wrong, and no maintained npm parser of this header covers auth-params this small.
 */
export interface AuthChallenge {
  /** Lower-case: "bearer", "basic". */
  scheme: string;
  /** Auth-params by lower-case name: realm, service, scope, error. */
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Every challenge in the header, in order; [] when it is absent or unreadable. */
export function parseChallenges(header: string | null): AuthChallenge[] {
  if (!header) return [];
  const challenges: AuthChallenge[] = [];
  let rest = header.trim();
  while (rest.length > 0) {
    const scheme = TOKEN.exec(rest)?.[0];
    if (!scheme) break;
    rest = rest.slice(scheme.length).trimStart();
    const params = new Map<string, string>();
    for (;;) {
      const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(rest);
      if (!param) break;
      rest = rest.slice(param[0].length);
      const value = readValue(rest);
      if (value === null) return challenges;
      params.set((param[1] as string).toLowerCase(), value.value);
      rest = value.rest.replace(/^\s*,\s*/, "");
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
    rest = rest.replace(/^\s*,\s*/, "");
  }
  return challenges;
}

function readValue(text: string): { value: string; rest: string } | null {
  if (!text.startsWith('"')) {
    // A token by the RFC; read up to the next comma so that an unquoted URL (seen in the wild) survives.
    const token = /^[^,\s]*/.exec(text)?.[0] ?? "";
    return { value: token, rest: text.slice(token.length) };
  }
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const character = text[i] as string;
    if (character === "\\") {
      value += text[i + 1] ?? "";
      i++;
    } else if (character === '"') {
      return { value, rest: text.slice(i + 1) };
    } else {
      value += character;
    }
  }
  return null;
}
