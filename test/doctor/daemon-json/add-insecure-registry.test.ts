/** add-insecure-registry's lines: a hostile daemon.json path is shown escaped, once (say() escapes). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAddInsecureRegistry } from '../../../src/commands/add-insecure-registry.js';

const folders: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function printed(task: () => Promise<number>): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  expect(await task()).toBe(0);
  vi.restoreAllMocks();
  return out;
}

describe('add-insecure-registry', () => {
  it('says what it added, and then that nothing changed; a control character in the path is written \\x1b, not doubled', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tsstore-add-insecure-'));
    folders.push(folder);
    const hostile = join(folder, 'evil\u001b]0;x\u0007');
    mkdirSync(hostile);
    const daemonJson = join(hostile, 'daemon.json');
    const shown = join(folder, 'evil\\x1b]0;x\\x07', 'daemon.json');
    const env = { HOME: folder, DOCKER_CONFIG: join(folder, '.docker') };
    const added = await printed(() => runAddInsecureRegistry(['registry.lan:5000'], { daemonJson }, env));
    expect(added).toBe(
      `added "registry.lan:5000" to insecure-registries in ${shown}; dockerd rereads it when it is reloaded, which keeps its containers running: sudo systemctl reload docker, or without systemd sudo kill -HUP $(pidof dockerd)\n`,
    );
    expect(JSON.parse(readFileSync(daemonJson, 'utf8'))).toEqual({ 'insecure-registries': ['registry.lan:5000'] });
    const again = await printed(() => runAddInsecureRegistry(['registry.lan:5000'], { daemonJson }, env));
    expect(again).toBe(`${shown} already lists "registry.lan:5000" in insecure-registries; nothing changed\n`);
  });
});
