import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonInfoRead } from '../../src/docker/daemon-info.js';
import { DaemonView } from '../../src/doctor/daemon-view.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('DaemonView', () => {
  it('asks docker info and reads daemon.json once until a fix ran, then again', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tsstore-daemon-view-'));
    folders.push(folder);
    const daemonJson = join(folder, 'daemon.json');
    writeFileSync(daemonJson, '{ "insecure-registries": ["one.lan:5000"] }');
    const env = { HOME: folder, DOCKER_CONFIG: join(folder, '.docker'), TSSTORE_DOCKER_DAEMON_JSON: daemonJson };
    let asked = 0;
    const view = new DaemonView(env, () => ({ ok: false, path: join(folder, '.docker/config.json'), message: 'none' }), async (): Promise<DaemonInfoRead> => {
      asked++;
      return { answered: false, reason: 'no daemon' };
    });
    await view.daemonInfo();
    const first = await view.daemonSettings();
    writeFileSync(daemonJson, '{ "insecure-registries": ["two.lan:5000"] }');
    await view.daemonInfo();
    expect((await view.daemonSettings()).settings.insecure.names).toEqual(['one.lan:5000']);
    expect(first.file.kind).toBe('parsed');
    expect(asked).toBe(1);
    view.forget();
    expect((await view.daemonSettings()).settings.insecure.names).toEqual(['two.lan:5000']);
    expect(asked).toBe(1);
    await view.daemonInfo();
    expect(asked).toBe(2);
  });

  it("the daemon's own word that it runs rootless moves every path to the rootless daemon's", async () => {
    const env = { HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/cfg', DOCKER_HOST: 'unix:///var/run/docker.sock' };
    const info: DaemonInfoRead = {
      answered: true,
      info: { serverVersion: '27.0.0', insecureNames: [], insecureCidrs: [], mirrors: [], proxies: { http: '', https: '', no: '' }, securityOptions: ['name=rootless'] },
    };
    let asked = 0;
    const view = new DaemonView(env, () => ({ ok: false, path: '/home/u/.docker/config.json', message: 'none' }), async () => {
      asked++;
      return info;
    });
    // Not asked for the settings alone; read again once it has been asked (as daemon-json does, first).
    expect((await view.daemonSettings()).settings.daemonJson).toBe('/etc/docker/daemon.json');
    expect(asked).toBe(0);
    await view.daemonInfo();
    const { settings, endpoint } = await view.daemonSettings();
    expect(asked).toBe(1);
    expect(settings).toMatchObject({ daemonJson: '/home/u/cfg/docker/daemon.json', certsD: '/home/u/cfg/docker/certs.d', rootless: 'the daemon says it runs rootless' });
    expect(endpoint).toEqual({ host: 'unix:///var/run/docker.sock', source: 'DOCKER_HOST' });
  });
});
