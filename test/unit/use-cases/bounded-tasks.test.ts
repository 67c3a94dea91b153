/** Tasks started as work becomes known, at most `limit` at once; the first failure is never lost. */
import { describe, expect, it } from 'vitest';
import { boundedTasks } from '../../../lambdas/use-cases/bounded-tasks.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('boundedTasks', () => {
  it('never runs more than the limit at once, and done waits for every task', async () => {
    const tasks = boundedTasks(3);
    let running = 0;
    let most = 0;
    let finished = 0;
    for (let i = 0; i < 20; i++) {
      await tasks.add(async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        finished++;
      });
    }
    await tasks.done();
    expect(most).toBe(3);
    expect(finished).toBe(20);
  });

  it('a task that failed early is thrown by the next add and by done (not lost once it stopped running)', async () => {
    const tasks = boundedTasks(5);
    await tasks.add(async () => {
      throw new Error('throttled');
    });
    await tick();
    await expect(tasks.add(async () => {})).rejects.toThrow('throttled');
    await expect(tasks.done()).rejects.toThrow('throttled');
  });

  it('a task that fails last is thrown by done', async () => {
    const tasks = boundedTasks(5);
    await tasks.add(async () => {
      await tick();
    });
    await tasks.add(async () => {
      await tick();
      throw new Error('late');
    });
    await expect(tasks.done()).rejects.toThrow('late');
  });
});
