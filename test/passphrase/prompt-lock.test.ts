import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROMPT_LOCK_NAME, acquirePromptLock } from '../../src/passphrase/prompt-lock.js';
import { processAlive } from '../../src/runtime/process-alive.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-prompt-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the prompt lock', () => {
  it('lets one prompt ask; the next waits until it is released and is told it waited', async () => {
    const first = await acquirePromptLock(dir, 10_000);
    expect(first.waited).toBe(false);
    expect(readFileSync(join(dir, PROMPT_LOCK_NAME), 'utf8')).toBe(`${process.pid}\n`);
    let secondDone = false;
    const second = acquirePromptLock(dir, 10_000).then((result) => {
      secondDone = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    first.lock.release();
    const { lock, waited } = await second;
    expect(waited).toBe(true);
    lock.release();
    expect(existsSync(join(dir, PROMPT_LOCK_NAME))).toBe(false);
  });

  it('replaces a lock left by a process that died', async () => {
    writeFileSync(join(dir, PROMPT_LOCK_NAME), '999999999\n');
    expect(processAlive(999_999_999)).toBe(false);
    const { lock, waited } = await acquirePromptLock(dir, 10_000);
    expect(waited).toBe(false);
    expect(readFileSync(join(dir, PROMPT_LOCK_NAME), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('gives up waiting for a live holder after the limit', async () => {
    writeFileSync(join(dir, PROMPT_LOCK_NAME), `${process.ppid}\n`);
    await expect(acquirePromptLock(dir, 200)).rejects.toMatchObject({
      name: 'TsstoreError',
      code: 'locked',
      message: `another tsstore prompt (pid ${process.ppid}) is still waiting for a passphrase; try again once it is answered`,
    });
  });
});
