import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SOCKET_PATH_BYTES, agentDirProblem, agentLocation, agentSocketProblem, prepareAgentDir } from '../../src/agent/location.js';

describe('agentLocation', () => {
  const base = { uid: 1000, tmp: '/tmp' };

  it('uses $XDG_RUNTIME_DIR/tsstore with a socket named after the store', () => {
    const location = agentLocation({ ...base, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, storeRoot: '/home/me/.local/share/tsstore/pgp' });
    expect(location.dir).toBe('/run/user/1000/tsstore');
    expect(location.socket).toMatch(/^\/run\/user\/1000\/tsstore\/agent-[0-9a-f]{16}\.sock$/);
    const other = agentLocation({ ...base, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, storeRoot: '/home/me/other-store/pgp' });
    expect(other.dir).toBe(location.dir);
    expect(other.socket).not.toBe(location.socket);
  });

  it('falls back to a folder in the store without XDG_RUNTIME_DIR, or with a relative one', () => {
    for (const env of [{}, { XDG_RUNTIME_DIR: '' }, { XDG_RUNTIME_DIR: 'run/user/1000' }]) {
      expect(agentLocation({ ...base, env, storeRoot: '/home/me/.local/share/tsstore/pgp' })).toEqual({
        dir: '/home/me/.local/share/tsstore/pgp/agent',
        socket: '/home/me/.local/share/tsstore/pgp/agent/agent.sock',
      });
    }
  });

  it('moves to <tmp>/tsstore-<uid> when the path would not fit in sun_path', () => {
    const storeRoot = `/home/${'x'.repeat(120)}/pgp`;
    const location = agentLocation({ ...base, env: {}, storeRoot });
    expect(location.dir).toBe('/tmp/tsstore-1000');
    expect(location.socket).toMatch(/^\/tmp\/tsstore-1000\/agent-[0-9a-f]{16}\.sock$/);
    expect(Buffer.byteLength(location.socket)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
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
