import { SingleBar } from "cli-progress";
import type { CliContext } from "./context.js";
import { bytes, eta, plural, speed } from "./format.js";

/** One pullProgress event, as the pull verb asks for it. */
export interface PullProgressEvent {
  pullId: string;
  status: string;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  currentFile: string | null;
  filesDone: number;
  filesTotal: number;
  errorCode: string | null;
  errorMessage: string | null;
}

/** How a pull's progress is shown: a bar on a terminal, plain lines in a pipe, NDJSON with --json. */
export interface PullView {
  update(event: PullProgressEvent): void;
  /** Stops drawing (before a prompt, or at the end); the last state stays on screen. */
  stop(): void;
}

/** Picks the view the mode asks for. */
export function pullView(cli: CliContext, ref: string): PullView {
  if (cli.json) return { update: (event) => cli.printJsonLine(event), stop: () => undefined };
  return cli.interactive ? new BarView(cli, ref) : new LineView(cli, ref);
}

/** cli-progress's bar on stderr: bytes, speed and ETA as the gateway measures them, and the current file. */
class BarView implements PullView {
  private readonly bar: SingleBar;
  private started = false;

  constructor(
    cli: CliContext,
    private readonly ref: string,
  ) {
    this.bar = new SingleBar({
      format: `${cli.style("bold", "{ref}")} {bar} {percentage}% | {done} / {size} | {speed} | ETA {left} | {files} {file}`,
      stream: cli.io.stderr,
      barsize: 24,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      // The gateway's own figures (speed over its last seconds, ETA) replace the bar's estimates.
      etaBuffer: 1,
      fps: 8,
    });
  }

  update(event: PullProgressEvent): void {
    // A pull of empty files has 0 bytes to go: draw it as one unit, done or not.
    const total = Math.max(event.bytesTotal, 1);
    const value = event.bytesTotal === 0 ? (event.status === "SUCCEEDED" ? 1 : 0) : event.bytesDone;
    const payload = {
      ref: this.ref,
      done: bytes(event.bytesDone),
      size: bytes(event.bytesTotal),
      speed: speed(event.bytesPerSecond),
      // Not "eta": cli-progress fills its own placeholders (eta, value, total…) over the payload's.
      left: eta(event.etaSeconds),
      files: `${event.filesDone}/${event.filesTotal} files`,
      file: event.currentFile ?? "",
    };
    if (!this.started) this.bar.start(total, value, payload);
    else {
      this.bar.setTotal(total);
      this.bar.update(value, payload);
    }
    this.started = true;
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

/** Without a terminal: no bar, a line when a file starts and one at the end. */
class LineView implements PullView {
  private lastFile: string | null = null;
  private announced = false;

  constructor(
    private readonly cli: CliContext,
    private readonly ref: string,
  ) {}

  update(event: PullProgressEvent): void {
    if (!this.announced) {
      this.cli.note(`Pulling ${this.ref}: ${plural(event.filesTotal, "file")}, ${bytes(event.bytesTotal)}`);
      this.announced = true;
    }
    if (event.currentFile && event.currentFile !== this.lastFile) {
      this.cli.note(`  ${event.currentFile}`);
      this.lastFile = event.currentFile;
    }
  }

  stop(): void {}
}
