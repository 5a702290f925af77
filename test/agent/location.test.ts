import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentLocation,
  type AgentPlace,
  MAX_SOCKET_PATH_BYTES,
  agentDirProblem,
  agentPlace,
  agentSocketProblem,
  parseRecord,
  prepareAgentDir,
  recordText,
} from '../../src/agent/location.js';

function fixed(place: AgentPlace): AgentLocation {
  if (place.kind !== 'fixed') throw new Error(`expected a fixed place, got ${JSON.stringify(place)}`);
  return place.location;
}

describe('agentPlace', () => {
  const base = { tmp: '/tmp' };

  it('uses $XDG_RUNTIME_DIR/tsstore with a socket named after the store', () => {
    const location = fixed(agentPlace({ ...base, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, storeRoot: '/home/me/.local/share/tsstore/pgp' }));
    expect(location.dir).toBe('/run/user/1000/tsstore');
    expect(location.socket).toMatch(/^\/run\/user\/1000\/tsstore\/agent-[0-9a-f]{16}\.sock$/);
    const other = fixed(agentPlace({ ...base, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, storeRoot: '/home/me/other-store/pgp' }));
    expect(other.dir).toBe(location.dir);
    expect(other.socket).not.toBe(location.socket);
  });

  it('falls back to a folder in the store without XDG_RUNTIME_DIR, or with a relative one', () => {
    for (const env of [{}, { XDG_RUNTIME_DIR: '' }, { XDG_RUNTIME_DIR: 'run/user/1000' }]) {
      expect(agentPlace({ ...base, env, storeRoot: '/home/me/.local/share/tsstore/pgp' })).toEqual({
        kind: 'fixed',
        location: { dir: '/home/me/.local/share/tsstore/pgp/agent', socket: '/home/me/.local/share/tsstore/pgp/agent/agent.sock' },
      });
    }
  });

  it('a path too long for sun_path names no folder anyone could guess: it is recorded in the store', () => {
    const storeRoot = `/home/${'x'.repeat(120)}/pgp`;
    for (const env of [{}, { XDG_RUNTIME_DIR: `/run/${'y'.repeat(120)}` }]) {
      const place = agentPlace({ ...base, env, storeRoot });
      expect(place).toEqual({ kind: 'recorded', recordFile: `${storeRoot}/agent-folder`, parent: '/tmp' });
      // Nothing in it is derived from the uid or the store path: the folder's name is only in the record.
      expect(JSON.stringify(place)).not.toMatch(/tsstore-\d/);
    }
  });

  it('a temporary folder too long for the recorded socket falls back to /tmp', () => {
    const storeRoot = `/home/${'x'.repeat(120)}/pgp`;
    expect(agentPlace({ env: {}, storeRoot, tmp: `/var/${'t'.repeat(80)}` })).toMatchObject({ kind: 'recorded', parent: '/tmp' });
    expect(agentPlace({ env: {}, storeRoot, tmp: '/var/tmp/me/' })).toMatchObject({ kind: 'recorded', parent: '/var/tmp/me' });
  });
});

describe('parseRecord', () => {
  it('reads back what recordText writes, and the socket fits', () => {
    const dir = '/tmp/tsstore-0123456789abcdef';
    const location = parseRecord(recordText({ dir, socket: '' }));
    expect(location).toEqual({ dir, socket: `${dir}/agent.sock`, recorded: true });
    expect(Buffer.byteLength(location?.socket ?? '')).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
  });

  it('refuses anything it does not write', () => {
    for (const text of [
      '',
      '\n',
      'tmp/tsstore-0123456789abcdef\n', // relative
      '/tmp/tsstore-1000\n', // the old guessable name
      '/tmp/tsstore-0123456789ABCDEF\n',
      '/tmp/../etc/tsstore-0123456789abcdef\n',
      '/tmp/tsstore-0123456789abcdef\n/tmp/tsstore-0123456789abcdee\n',
      '/tmp/tsstore-0123456789abcdef/\n',
      '/tmp/x\u0000/tsstore-0123456789abcdef\n',
      `/${'t'.repeat(100)}/tsstore-0123456789abcdef\n`, // socket would not fit
    ]) {
      expect(parseRecord(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('agent folder and socket checks', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-agent-loc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the folder 0700 whatever the umask, and tightens one of ours that is looser', () => {
    const agentDir = join(dir, 'run', 'tsstore');
    const previous = process.umask(0);
    try {
      prepareAgentDir(agentDir);
    } finally {
      process.umask(previous);
    }
    expect(agentDirProblem(agentDir)).toBeUndefined();
    chmodSync(agentDir, 0o755);
    expect(agentDirProblem(agentDir)).toBe('its mode is 755, not 700');
    prepareAgentDir(agentDir);
    expect(agentDirProblem(agentDir)).toBeUndefined();
  });

  it('refuses a symlink, a file, or a folder of another uid', () => {
    const real = join(dir, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, join(dir, 'link'));
    writeFileSync(join(dir, 'file'), '');
    expect(agentDirProblem(join(dir, 'link'))).toBe('it is not a folder');
    expect(agentDirProblem(join(dir, 'file'))).toBe('it is not a folder');
    expect(agentDirProblem(join(dir, 'missing'))).toBe('it does not exist');
    expect(agentDirProblem(real, (process.getuid?.() ?? 0) + 1)).toMatch(/^it belongs to uid \d+, not to you$/);
    expect(() => prepareAgentDir(join(dir, 'link'))).toThrow(/cannot be used: it is not a folder/);
  });

  it('accepts only a socket of ours as the agent socket', async () => {
    const path = join(dir, 'agent.sock');
    expect(agentSocketProblem(path)).toBe('it does not exist');
    writeFileSync(path, '');
    expect(agentSocketProblem(path)).toBe('it is not a socket');
    rmSync(path);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      expect(agentSocketProblem(path)).toBeUndefined();
      expect(agentSocketProblem(path, (process.getuid?.() ?? 0) + 1)).toMatch(/^it belongs to uid/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
