import { createServer } from "node:net";

/** A port the kernel just handed out and released (the server started next binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The title a suite that needs a Debian package carries; names the package when it is missing. */
export function needsPackage(title: string, packageName: string, installed: boolean): string {
  if (installed) return title;
  const message = `(skipped: apt-get install ${packageName})`;
  console.warn(`${title} ${message}`);
  return `${title} ${message}`;
}
