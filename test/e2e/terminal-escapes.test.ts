/**
 * Text from outside (config.json keys and values, stored server URLs, GPG user ids) reaches the person's
 * terminal through info, doctor, migrate and init: on the built file, no control character, line
 * separator or bidi override gets there raw, and doctor --json keeps the exact text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterEach, describe, expect, it } from 'vitest';
import { PgpBackend } from '../../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../../src/unlock/store-key-source.js';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';

// What must never reach a terminal raw: C0 (but the line ends), DEL, C1, separators, bidi controls.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const OSC_TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';
const CSI_C1 = '\u009b31m';
const hostile = {
  osc: `osc${OSC_TITLE}.example.test`,
  c1: `c1${CSI_C1}.example.test`,
  separator: 'sep\u2028fake line.example.test',
  bidi: 'bidi\u202etset.elpmaxe',
};

const homes: TemporaryHome[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) home.cleanup();
});

function setUp(config: Record<string, unknown>): { home: TemporaryHome; env: Record<string, string>; run(args: string[], input?: string): Promise<HelperResult> } {
  const home = temporaryHome('tsstore-e2e-escapes-');
  homes.push(home);
  const env: Record<string, string> = { ...home.env, TSSTORE_BACKEND: 'pgp' };
  const configDir = env.DOCKER_CONFIG as string;
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config, null, '\t'), { mode: 0o600 });
  return { home, env, run: (args, input = '') => runHelper(args, { env, input, cwd: home.home }) };
}

const login = (username: string) => ({ auth: Buffer.from(`${username}:secret-${username}`).toString('base64') });

function expectSafe(result: HelperResult): void {
  expect(result.stdout).not.toMatch(UNSAFE);
  expect(result.stderr).not.toMatch(UNSAFE);
}

describe('no terminal escapes from outside text', () => {
  it('doctor and info escape every hostile character; doctor --json keeps the exact text', async () => {
    const auths = Object.fromEntries(Object.values(hostile).map((key) => [key, login('user')]));
    const machine = setUp({ auths, credsStore: `evil${CLEAR}` });
    const stored = await machine.run(['store'], JSON.stringify({ ServerURL: 'stored\u2029.example.test', Username: 'bidi\u2066user', Secret: 's3cret' }));
    expect(stored.exitCode, stored.stdout).toBe(0);

    const doctor = await machine.run(['doctor']);
    expectSafe(doctor);
    expect(doctor.stdout).toContain('osc\\x1b]0;pwned\\x07.example.test');
    expect(doctor.stdout).toContain('c1\\x9b31m.example.test');
    expect(doctor.stdout).toContain('sep\\u2028fake line.example.test');
    expect(doctor.stdout).toContain('bidi\\u202etset.elpmaxe');
    expect(doctor.stdout).toContain('evil\\x1b[2J');

    const json = await machine.run(['doctor', '--json']);
    expectSafe(json);
    const report = JSON.parse(json.stdout) as { checks: Array<{ details: string[] }> };
    const details = report.checks.flatMap((check) => check.details).join('\n');
    for (const key of Object.values(hostile)) expect(details).toContain(key);

    const info = await machine.run(['info']);
    expectSafe(info);
    expect(info.stdout).toContain('credsStore "evil\\x1b[2J"');
  });

  it('migrate --dry-run and its refusals escape registry keys (a username with ESC is refused, not shown)', async () => {
    const auths = { ...Object.fromEntries(Object.values(hostile).map((key) => [key, login('user')])), 'reg.example.test': login(`name${OSC_TITLE}`) };
    const machine = setUp({ auths });
    const dryRun = await machine.run(['migrate', '--from', 'config', '--dry-run']);
    expectSafe(dryRun);
    expect(dryRun.stdout).toContain('osc\\x1b]0;pwned\\x07.example.test');
    const refused = await machine.run(['migrate', '--from', `helper${CLEAR}`]);
    expect(refused.exitCode).toBe(1);
    expectSafe(refused);
    const unknown = await machine.run([`act${CLEAR}ion`]);
    expectSafe(unknown);
  });

  it('a migrate conflict escapes both usernames: the one tsstore holds (ESC, BEL, RLO) and the one offered', async () => {
    // store refuses C0 controls in a username; RLO and a line separator it takes.
    const offered = 'offered\u202e\u2028fake line';
    const machine = setUp({ auths: { 'reg.example.test': login(offered) }, credsStore: 'tsstore' });
    const first = await machine.run(['store'], JSON.stringify({ ServerURL: 'other.example.test', Username: 'u', Secret: 's' }));
    expect(first.exitCode, first.stdout).toBe(0);
    // A login store itself would refuse, as an older version or a hand-made file may have left it.
    const held = `held${OSC_TITLE}\u202e`;
    const pgpDir = join(machine.env.TSSTORE_HOME as string, 'pgp');
    await new PgpBackend(pgpDir, storeKeySource(machine.env, { mayPrompt: false })).add('reg.example.test', { username: held, secret: 'held-secret' });

    for (const args of [['migrate', '--from', 'config', '--dry-run'], ['migrate', '--from', 'config']]) {
      const result = await machine.run(args);
      expectSafe(result);
      expect(result.stdout).toContain('reg.example.test: tsstore already holds another login for it (user held\\x1b]0;pwned\\x07\\u202e) than config.json (user offered\\u202e\\u2028fake line)');
    }
  });

  it('init escapes the user id of a recipient key', async () => {
    const machine = setUp({});
    const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: `Mallory${OSC_TITLE}${CLEAR}\u202e` }], format: 'armored' });
    const keyFile = join(machine.home.home, 'recipient.asc');
    writeFileSync(keyFile, publicKey);
    const init = await machine.run(['init', '--backend', 'pgp', '--recipient', keyFile]);
    expect(init.exitCode, init.stderr).toBe(0);
    expectSafe(init);
    expect(init.stdout).toContain('Mallory\\x1b]0;pwned\\x07\\x1b[2J\\u202e');
  });
});
