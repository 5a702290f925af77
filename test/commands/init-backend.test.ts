import { describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/backends/backend.js';
import { overrideNotRecordedLine, planInitBackend } from '../../src/commands/init-backend.js';
import { TsstoreError } from '../../src/errors.js';

const settingsFile = '/home/u/.config/tsstore/settings.json';
const plan = (flag?: BackendName, override?: BackendName, recorded?: BackendName) => planInitBackend({ flag, override, recorded, settingsFile });
const failure = (run: () => unknown): TsstoreError => {
  try {
    run();
  } catch (error) {
    if (error instanceof TsstoreError) return error;
    throw error;
  }
  throw new Error('expected a TsstoreError');
};

describe('which backend init sets up', () => {
  it('probes, as a first store does, when neither --backend, TSSTORE_BACKEND nor settings.json says', () => {
    expect(plan()).toEqual({ kind: 'probe' });
  });

  it('takes --backend, else TSSTORE_BACKEND, else the record, and records it when nothing else is recorded', () => {
    expect(plan('keyring')).toEqual({ kind: 'set-up', backend: 'keyring', record: true });
    expect(plan(undefined, 'pgp')).toEqual({ kind: 'set-up', backend: 'pgp', record: true });
    expect(plan(undefined, undefined, 'keyring')).toEqual({ kind: 'set-up', backend: 'keyring', record: true });
    expect(plan('pgp', 'pgp', 'pgp')).toEqual({ kind: 'set-up', backend: 'pgp', record: true });
    expect(plan(undefined, 'keyring', 'keyring')).toEqual({ kind: 'set-up', backend: 'keyring', record: true });
  });

  it('sets up the TSSTORE_BACKEND one over another record without rewriting the record, and says so', () => {
    const over = plan(undefined, 'pgp', 'keyring');
    expect(over).toEqual({ kind: 'set-up', backend: 'pgp', record: false, recorded: 'keyring' });
    expect(overrideNotRecordedLine(over, settingsFile)).toBe(`${settingsFile} still records the keyring backend: commands use pgp only while TSSTORE_BACKEND=pgp is set.`);
    expect(overrideNotRecordedLine(plan(undefined, 'pgp'), settingsFile)).toBeUndefined();
    expect(overrideNotRecordedLine(plan(), settingsFile)).toBeUndefined();
  });

  it('refuses --backend against another record (no silent switch), also when TSSTORE_BACKEND agrees with it', () => {
    for (const override of [undefined, 'pgp'] as const) {
      const error = failure(() => plan('pgp', override, 'keyring'));
      expect(error.code).toBe('config');
      expect(error.message).toBe(`tsstore already keeps credentials in the keyring backend (${settingsFile}); switching is not supported yet`);
    }
  });

  it('refuses --backend and TSSTORE_BACKEND that disagree, whatever is recorded', () => {
    for (const recorded of [undefined, 'pgp', 'keyring'] as const) {
      const error = failure(() => plan('pgp', 'keyring', recorded));
      expect(error.code).toBe('usage');
      expect(error.message).toBe('--backend pgp and TSSTORE_BACKEND=keyring disagree; unset TSSTORE_BACKEND or drop --backend');
    }
  });
});
