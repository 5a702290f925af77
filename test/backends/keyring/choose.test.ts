import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeBackend, recordChoice } from '../../../src/backends/choose.js';
import { tsstorePaths } from '../../../src/config/paths.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-choose-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the first-use choice', () => {
  it('without a session bus picks pgp, and says why', async () => {
    expect(await probeBackend({ HOME: dir })).toEqual({ backend: 'pgp', reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)' });
    expect(await probeBackend({ HOME: dir, DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/none` })).toMatchObject({
      backend: 'pgp',
      reason: expect.stringMatching(/^the D-Bus session bus at unix:path=.* does not answer/),
    });
  });

  it('is written once, privately; a second process racing the first gets the first one\'s choice', () => {
    const paths = tsstorePaths({ TSSTORE_HOME: join(dir, 'state') });
    expect(recordChoice(paths, { backend: 'keyring' })).toEqual({ settings: { backend: 'keyring' }, recorded: true });
    expect(recordChoice(paths, { backend: 'pgp' })).toEqual({ settings: { backend: 'keyring' }, recorded: false });
    expect(JSON.parse(readFileSync(paths.settingsFile, 'utf8'))).toEqual({ backend: 'keyring' });
    expect(statSync(paths.settingsFile).mode & 0o777).toBe(0o600);
  });
});
