import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../support/memory-backend.js';
import { judgeCandidate, MigrationPlanner } from '../../src/migrate/plan.js';

const candidate = (registry: string, username = 'alice', secret = 's') => ({ registry, username, secret });

describe('judgeCandidate', () => {
  it('stores what tsstore does not hold, and recognises what it already holds', () => {
    expect(judgeCandidate(candidate('r'), undefined, false)).toEqual({ action: 'store', candidate: candidate('r') });
    expect(judgeCandidate(candidate('r'), { username: 'alice', secret: 's' }, false).action).toBe('already-held');
  });

  it('never replaces a different login unless told to', () => {
    for (const held of [{ username: 'bob', secret: 's' }, { username: 'alice', secret: 'other' }]) {
      expect(judgeCandidate(candidate('r'), held, false)).toEqual({ action: 'conflict', candidate: candidate('r'), heldUsername: held.username });
      expect(judgeCandidate(candidate('r'), held, true)).toEqual({ action: 'store', candidate: candidate('r') });
    }
  });

  it('refuses what store refuses', () => {
    for (const [registry, username, reason] of [
      ['', 'alice', 'no credentials server URL'],
      ['reg ', 'alice', 'server URL has white space at the start or end'],
      [' reg', 'alice', 'server URL has white space at the start or end'],
      ['r\u001b[2J', 'alice', 'server URL contains a control character'],
      ['r', 'al\u0085ice', 'username contains a control character'],
      ['r', '', 'no credentials username'],
      ['r'.repeat(1025), 'alice', 'server URL is longer than 1024 characters'],
    ] as const) {
      expect(judgeCandidate(candidate(registry, username), undefined, false)).toEqual({
        action: 'refused',
        candidate: candidate(registry, username),
        reason: `tsstore does not store it: ${reason}`,
      });
    }
  });
});

describe('MigrationPlanner', () => {
  it('lets the first source win: a later different copy is a conflict even before anything is stored', async () => {
    const planner = new MigrationPlanner(new MemoryBackend());
    expect((await planner.plan([candidate('r', 'alice', 'first')])).map((step) => step.action)).toEqual(['store']);
    expect(await planner.plan([candidate('r', 'bob', 'second'), candidate('r2')])).toEqual([
      { action: 'conflict', candidate: candidate('r', 'bob', 'second'), heldUsername: 'alice' },
      { action: 'store', candidate: candidate('r2') },
    ]);
    expect((await planner.plan([candidate('r', 'alice', 'first')])).map((step) => step.action)).toEqual(['already-held']);
  });

  it('compares with what the store holds, and --overwrite applies to the first source only', async () => {
    const store = new MemoryBackend();
    await store.add('r', { username: 'current', secret: 'c' });
    const planner = new MigrationPlanner(store, new Set(['r']));
    expect(await planner.plan([candidate('r', 'podman', 'p')])).toEqual([{ action: 'store', candidate: candidate('r', 'podman', 'p') }]);
    expect((await planner.plan([candidate('r', 'stale', 'x')])).map((step) => step.action)).toEqual(['conflict']);
    // Planning never writes.
    expect(await store.get('r')).toEqual({ username: 'current', secret: 'c' });
  });

  it('does not store over a login it could not read to compare', async () => {
    const store = new MemoryBackend();
    await store.add('r', { username: 'current', secret: 'c' });
    store.get = async () => {
      throw new Error('the store key is locked');
    };
    expect(await new MigrationPlanner(store).plan([candidate('r')])).toEqual([
      { action: 'refused', candidate: candidate('r'), reason: 'cannot compare it with the login tsstore holds: the store key is locked' },
    ]);
  });
});
