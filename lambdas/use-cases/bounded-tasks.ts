/**
 * Work started as it becomes known, at most `limit` tasks at once: `add` starts a task and waits
 * while `limit` are running; `done` waits for every task. The first failure is thrown by the next
 * `add` (no more work is started) and by `done`, whenever it happened; nothing is left unhandled.
 */
export interface BoundedTasks {
  add(task: () => Promise<void>): Promise<void>;
  done(): Promise<void>;
}

export function boundedTasks(limit: number): BoundedTasks {
  const all: Promise<void>[] = [];
  const running = new Set<Promise<void>>();
  let failed: { error: unknown } | undefined;
  const throwIfFailed = () => {
    if (failed) throw failed.error;
  };
  return {
    async add(task) {
      throwIfFailed();
      const started = task();
      all.push(started);
      const slot: Promise<void> = started.then(
        () => {
          running.delete(slot);
        },
        (error: unknown) => {
          failed ??= { error };
          running.delete(slot);
        },
      );
      running.add(slot);
      if (running.size >= limit) await Promise.race(running);
      throwIfFailed();
    },
    async done() {
      await Promise.all(all);
    },
  };
}
