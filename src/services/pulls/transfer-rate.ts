/** How far back the speed looks: long enough to smooth bursts, short enough to follow changes. */
const WINDOW_MS = 3_000;

/** Download speed over the last few seconds, from a running count of bytes received. */
export class TransferRate {
  private readonly samples: Array<{ at: number; bytes: number }> = [];
  private received = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  add(bytes: number): void {
    this.received += bytes;
    const at = this.now();
    this.samples.push({ at, bytes: this.received });
    while (this.samples.length > 2 && (this.samples[1] as { at: number }).at < at - WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second over the window; null until two samples some time apart exist. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last) return null;
    const at = this.now();
    // Nothing received lately: the speed has fallen to nothing, whatever the last burst was.
    if (at - last.at > WINDOW_MS) return 0;
    const seconds = (at - first.at) / 1000;
    return seconds > 0 ? (last.bytes - first.bytes) / seconds : null;
  }
}
