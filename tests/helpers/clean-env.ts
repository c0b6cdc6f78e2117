/**
 * The environment a child process of a test gets: what it needs to run (PATH, HOME, the temporary
 * folder) and what the test sets, never the developer's own settings (GATEWAY_API_KEYS,
 * CACHE_DIR, HF_TOKEN…), which would change what the child does.
 */
export function cleanEnv(env: Record<string, string> = {}): Record<string, string> {
  const kept = ["PATH", "HOME", "TMPDIR", "LANG"].flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return { ...Object.fromEntries(kept), NODE_ENV: "test", ...env };
}
