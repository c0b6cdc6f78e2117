import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { CancelPull, type Progress, PullProgress } from "../../../src/client/pull-documents.js";
import { session } from "../api/session.js";
import { asGatewayError } from "../api/use-query.js";
import { PullModel } from "./pull-documents.js";

/** Where the pull panel stands. */
export type PullView =
  | { phase: "idle" }
  | { phase: "starting" }
  | { phase: "following"; id: string; progress: Progress | null; cancelling: boolean }
  | { phase: "ended"; id: string; progress: Progress }
  | { phase: "refused"; code: string; message: string; accessUrl: string | null }
  | { phase: "lost"; id: string; message: string };

const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]);

/**
 * Starts, follows and cancels a model's pull. `running` is a pull of the model already under way
 * (found in its recent pulls after a reload), which the panel follows as if it had started it.
 * Progress comes from the pullProgress subscription; `onEnd` runs once the pull has ended.
 */
export function usePull(ref: string, running: string | null, onEnd: () => void) {
  const [view, setView] = useState<PullView>({ phase: "idle" });
  const stream = useRef<AsyncGenerator<unknown> | null>(null);
  const ended = useRef(onEnd);
  ended.current = onEnd;

  const follow = useCallback(async (id: string) => {
    await stream.current?.return(undefined);
    setView({ phase: "following", id, progress: null, cancelling: false });
    const events = session.current.client.subscribe(PullProgress, { id });
    stream.current = events;
    try {
      for await (const { pullProgress: progress } of events) {
        if (ENDED.has(progress.status)) {
          setView({ phase: "ended", id, progress });
          ended.current();
          return;
        }
        setView((now) => ({
          phase: "following",
          id,
          progress,
          cancelling: now.phase === "following" && now.cancelling,
        }));
      }
      if (stream.current === events) setView({ phase: "lost", id, message: "The progress stream closed early." });
    } catch (error) {
      if (stream.current !== events) return;
      session.handle(error);
      setView({ phase: "lost", id, message: asGatewayError(error).message });
    }
  }, []);

  useEffect(() => {
    if (running && view.phase === "idle") void follow(running);
  }, [running, view.phase, follow]);
  useEffect(
    () => () => {
      const events = stream.current;
      stream.current = null;
      void events?.return(undefined);
    },
    [],
  );

  const start = useCallback(async () => {
    setView({ phase: "starting" });
    try {
      const { pullModel: result } = await session.current.client.request(PullModel, { ref });
      if (result.__typename === "GatewayError") {
        setView({ phase: "refused", code: result.code, message: result.message, accessUrl: result.accessUrl ?? null });
      } else if (ENDED.has(result.status)) {
        // Every file was cached: the pull is over before it began.
        setView({ phase: "ended", id: result.id, progress: finalProgress(result) });
        ended.current();
      } else {
        void follow(result.id);
      }
    } catch (error) {
      session.handle(error);
      const failure = asGatewayError(error);
      setView({ phase: "refused", code: failure.code, message: failure.message, accessUrl: null });
    }
  }, [ref, follow]);

  const cancel = useCallback(async () => {
    if (view.phase !== "following") return;
    setView({ ...view, cancelling: true });
    try {
      const { cancelPull: result } = await session.current.client.request(CancelPull, { id: view.id });
      // The subscription brings the CANCELLED status; a refusal (already ended) is said here.
      if (result.__typename === "GatewayError") setView({ ...view, cancelling: false });
    } catch (error) {
      session.handle(error);
      setView({ ...view, cancelling: false });
    }
  }, [view]);

  return { view, start, cancel, retry: follow };
}

function finalProgress(pull: {
  id: string;
  status: string;
  bytesDone: number;
  bytesTotal: number;
  errorCode?: string | null;
  errorMessage?: string | null;
}): Progress {
  return {
    pullId: pull.id,
    status: pull.status as Progress["status"],
    bytesDone: pull.bytesDone,
    bytesTotal: pull.bytesTotal,
    bytesPerSecond: null,
    etaSeconds: null,
    currentFile: null,
    filesDone: 0,
    filesTotal: 0,
    errorCode: (pull.errorCode ?? null) as Progress["errorCode"],
    errorMessage: pull.errorMessage ?? null,
  };
}
