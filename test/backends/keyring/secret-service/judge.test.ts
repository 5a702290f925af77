import { describe, expect, it } from 'vitest';
import { judgeReport } from '../../../../src/backends/keyring/secret-service/judge.js';
import type { SecretServiceReport } from '../../../../src/backends/keyring/secret-service/state.js';

const address = 'unix:path=/tmp/bus';
const ready = (locked: boolean): SecretServiceReport['service'] => ({ state: 'ready', address, collection: { path: '/c/login', label: 'Login', locked } });
const read = { serverURL: 'reg.example', writing: false };
const write = { serverURL: 'reg.example', writing: true };

describe('judgeReport', () => {
  it('an unlocked default collection and no locked item of ours: nothing wrong (not-found is the truth)', () => {
    expect(judgeReport({ service: ready(false), items: { unlocked: 0, locked: 0 } }, read)).toBeUndefined();
    expect(judgeReport({ service: ready(false) }, { writing: false })).toBeUndefined();
  });

  it('a locked default collection is "locked" for every verb, naming the collection', () => {
    for (const context of [read, write, { writing: false }]) {
      const error = judgeReport({ service: ready(true), items: { unlocked: 0, locked: 0 } }, context);
      expect(error?.code).toBe('locked');
      expect(error?.message).toContain('collection "Login"');
    }
  });

  it('our item in another, locked collection is "locked" too', () => {
    expect(judgeReport({ service: ready(false), items: { unlocked: 0, locked: 1 } }, read)?.code).toBe('locked');
  });

  it('no default collection: reads find nothing (not-found), a store is told there is nowhere to write', () => {
    const service = { state: 'no-default-collection', address } as const;
    expect(judgeReport({ service, items: { unlocked: 0, locked: 0 } }, read)).toBeUndefined();
    expect(judgeReport({ service }, write)?.message).toMatch(/no default collection/);
    expect(judgeReport({ service, items: { unlocked: 0, locked: 2 } }, read)?.code).toBe('locked');
  });

  it('no bus, a dead bus, no Secret Service: backend-unavailable with what to do', () => {
    const cases: SecretServiceReport['service'][] = [
      { state: 'no-bus', detail: 'DBUS_SESSION_BUS_ADDRESS is not set' },
      { state: 'bus-unreachable', address, detail: 'connect ENOENT' },
      { state: 'no-service', address, detail: 'org.freedesktop.DBus.Error.NameHasNoOwner: no' },
    ];
    for (const service of cases) {
      const error = judgeReport({ service }, read);
      expect(error?.code, service.state).toBe('backend-unavailable');
      expect(error?.message).toMatch(/Secret Service/);
      expect(error?.message).toMatch(/init --backend pgp/);
    }
  });
});
