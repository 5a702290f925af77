/**
 * One prompt at a time per store: `docker compose pull` runs several `get`s at once, and two prompts
 * on one terminal would fight over every key typed. The first `get` asks; the others wait for it to
 * finish and then find the key unlocked in the agent. The lock is a file created exclusively, holding
 * the asking process's pid, so one left by a killed process is recognised and replaced.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TsstoreError } from '../errors.js';
import { processAlive } from '../runtime/process-alive.js';

export const PROMPT_LOCK_NAME = 'prompt.lock';
const POLL_MS = 100;

export interface PromptLock {
  release(): void;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function holder(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * Takes the lock in `dir`. `waited` is true when another process held it first: the caller should look
 * again for an unlocked key before asking. Gives up waiting after `limitMs` (the other prompt's own limit).
 */
export async function acquirePromptLock(dir: string, limitMs: number): Promise<{ lock: PromptLock; waited: boolean }> {
  const path = join(dir, PROMPT_LOCK_NAME);
  const deadline = Date.now() + limitMs;
  let waited = false;
  for (;;) {
    if (tryCreate(path)) {
      return {
        waited,
        lock: {
          release: () => {
            if (holder(path) !== process.pid) return;
            try {
              unlinkSync(path);
            } catch {
              // gone already
            }
          },
        },
      };
    }
    const pid = holder(path);
    // An empty file (its holder between create and write) reads as no pid, never as a dead holder.
    if (pid !== undefined && pid > 0 && !processAlive(pid)) {
      // Left by a process that died while asking. Two waiters racing here can, at worst, both ask.
      try {
        unlinkSync(path);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    waited = true;
    if (Date.now() > deadline) throw new TsstoreError('locked', `another tsstore prompt (pid ${pid ?? '?'}) is still waiting for a passphrase; try again once it is answered`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
