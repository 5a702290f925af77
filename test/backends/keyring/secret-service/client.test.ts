/** tsstore's own D-Bus client against a real dbus-daemon and gnome-keyring (see test/support/secret-service.ts). */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretServiceClient, inspectSecretService } from '../../../../src/backends/keyring/secret-service/client.js';
import { haveAll } from '../../../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../../../support/secret-service.js';

describe.skipIf(!haveAll([...SECRET_SERVICE_PROGRAMS]))('SecretServiceClient against gnome-keyring', () => {
  let keyring: SecretServiceSession;
  let empty: SecretServiceSession;
  beforeAll(async () => {
    [keyring, empty] = await Promise.all([startSecretService(), startSecretService({ keyring: 'none' })]);
  });
  afterAll(async () => {
    await Promise.all([keyring?.stop(), empty?.stop()]);
  });

  it('finds the unlocked default collection and counts items by attributes, locked or not', async () => {
    for (const server of ['a.example', 'b.example']) {
      const stored = await keyring.exec('secret-tool', ['store', '--label=t', 'service', 'tsstore-client-test', 'username', server], 'x');
      expect(stored.exitCode).toBe(0);
    }
    const client = new SecretServiceClient(keyring.env);
    expect(await client.status()).toEqual({
      state: 'ready',
      address: keyring.address,
      collection: { path: '/org/freedesktop/secrets/collection/login', label: 'Login', locked: false },
    });
    expect(await client.count({ service: 'tsstore-client-test' })).toEqual({ unlocked: 2, locked: 0 });
    expect(await client.count({ service: 'tsstore-client-test', username: 'a.example' })).toEqual({ unlocked: 1, locked: 0 });
    expect(await client.count({ service: 'tsstore-client-test', username: 'c.example' })).toEqual({ unlocked: 0, locked: 0 });
    client.close();

    await keyring.lock();
    const report = await inspectSecretService(keyring.env, { attributes: { service: 'tsstore-client-test' } });
    expect(report).toEqual({
      service: { state: 'ready', address: keyring.address, collection: { path: '/org/freedesktop/secrets/collection/login', label: 'Login', locked: true } },
      items: { unlocked: 0, locked: 2 },
    });
  });

  it('a bus with no Secret Service, a dead bus address, and no address at all', async () => {
    expect((await inspectSecretService(empty.env)).service).toMatchObject({
      state: 'no-service',
      address: empty.address,
      detail: expect.stringMatching(/^org\.freedesktop\.DBus\.Error\.NameHasNoOwner: /),
    });
    expect((await inspectSecretService({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${empty.home}/no-bus-here` })).service).toMatchObject({
      state: 'bus-unreachable',
      detail: expect.stringContaining('ENOENT'),
    });
    expect((await inspectSecretService({})).service).toEqual({ state: 'no-bus', detail: 'DBUS_SESSION_BUS_ADDRESS is not set' });
  });

  it('never starts a Secret Service through D-Bus activation by itself (autoStart: false)', async () => {
    // A bus that could activate org.freedesktop.secrets: its "daemon" only leaves a mark and exits.
    const marker = `${empty.home}/activated`;
    const activatable = await startSecretService({
      keyring: 'none',
      serviceFiles: { 'org.freedesktop.secrets.service': `[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/sh -c 'echo started >> ${marker}'\n` },
    });
    try {
      expect((await inspectSecretService(activatable.env, { autoStart: false })).service.state).toBe('no-service');
      expect(existsSync(marker)).toBe(false);
      // Control: with activation allowed, the bus does start it (and waits for it to take the name, which
      // it never does: our call gets no answer in time).
      expect((await inspectSecretService(activatable.env, { autoStart: true })).service.state).toBe('service-silent');
      expect(existsSync(marker)).toBe(true);
    } finally {
      await activatable.stop();
    }
  });
});
