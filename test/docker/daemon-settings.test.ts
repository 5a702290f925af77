import { describe, expect, it } from 'vitest';
import { daemonPathsFor, rootlessReason } from '../../src/docker/daemon-settings.js';
import { endpointFrom } from '../../src/docker/docker-endpoint.js';

describe('daemon paths', () => {
  const env = { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' };

  it('the system daemon reads /etc/docker; a rootless one $XDG_CONFIG_HOME/docker, certs.d too', () => {
    expect(daemonPathsFor(env, undefined)).toEqual({ daemonJson: '/etc/docker/daemon.json', certsD: '/etc/docker/certs.d' });
    expect(daemonPathsFor({ ...env, XDG_CONFIG_HOME: '/cfg' }, 'why')).toEqual({ daemonJson: '/cfg/docker/daemon.json', certsD: '/cfg/docker/certs.d', rootless: 'why' });
    expect(daemonPathsFor(env, 'why')).toMatchObject({ daemonJson: '/home/u/.config/docker/daemon.json', certsD: '/home/u/.config/docker/certs.d' });
    expect(daemonPathsFor({ ...env, TSSTORE_DOCKER_DAEMON_JSON: '/t/d.json', TSSTORE_DOCKER_CERTS_D: '/t/c' }, 'why')).toMatchObject({ daemonJson: '/t/d.json', certsD: '/t/c' });
  });

  it('rootless: the endpoint is $XDG_RUNTIME_DIR/docker.sock, or the daemon says so', () => {
    expect(rootlessReason(env, 'unix:///run/user/1000/docker.sock')).toContain('rootless');
    expect(rootlessReason(env, 'unix:///var/run/docker.sock')).toBeUndefined();
    expect(rootlessReason(env, 'unix:///var/run/docker.sock', { securityOptions: ['name=seccomp,profile=default', 'name=rootless'] })).toBe('the daemon says it runs rootless');
  });

  it('the endpoint in the CLI\'s order: DOCKER_HOST, then the context, then the default', () => {
    expect(endpointFrom({ dockerHost: 'tcp://h:2375', contextName: 'x', contextHost: 'unix:///y' }).host).toBe('tcp://h:2375');
    expect(endpointFrom({ contextName: 'rootless', contextHost: 'unix:///run/user/1000/docker.sock' })).toEqual({ host: 'unix:///run/user/1000/docker.sock', source: 'context "rootless"' });
    expect(endpointFrom({ contextName: 'default', contextHost: 'unix:///y' }).host).toBe('unix:///var/run/docker.sock');
  });
});
