/**
 * The local stand-in for the every-minute schedule: a timer calling the same sweeper handler
 * (lambdas/handlers/scheduled/sweeper.ts). Runs never overlap; `runNow` waits for a run of its own.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type SweepHandler = () => Promise<unknown>;

export const SWEEPER_ENTRY = 'lambdas/handlers/scheduled/sweeper.ts';

export function startSweeper(
  root: string,
  intervalMs: number,
): { runNow(): Promise<unknown>; pause(): Promise<void>; resume(): void; stop(): Promise<void> } {
  let handler: Promise<SweepHandler> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  /** The timer skips its runs while paused (runNow still runs). */
  let paused = false;
  const run = () => {
    handler ??= import(pathToFileURL(join(root, SWEEPER_ENTRY)).href).then((m: { handler: SweepHandler }) => m.handler);
    const next = running.catch(() => undefined).then(async () => (stopped ? undefined : (await handler!)()));
    running = next;
    return next;
  };
  const timer = setInterval(() => (paused ? undefined : void run().catch(() => undefined)), intervalMs);
  return {
    runNow: run,
    async pause() {
      paused = true;
      await running.catch(() => undefined);
    },
    resume() {
      paused = false;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
