/**
 * The single file loads the keyring addon (@napi-rs/keyring, 3 MB) without leaving a copy anywhere.
 * bun's own way, shown by the control with a three-line program compiled by the same bun: it writes
 * the addon into TMPDIR as `.bun-0-<hash>.node` and keeps it; when another user planted a file of that
 * name in a shared sticky /tmp, it loads a randomly named copy instead and never deletes it.
 * Loads are triggered with `init --backend keyring` (which loads the library) and a `list` that only
 * the library can answer (an item without the username attribute), so the library must also work after
 * its file was removed.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bunBinary } from '../support/bun.js';
import { HELPER_BINARY, PROJECT_ROOT } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../support/secret-service.js';

const isRoot = process.getuid?.() === 0;
const PLANTER_UID = 12345;
const TMP_OWNER_UID = 12346;


/**
 * A folder like /tmp: sticky, writable by all, owned by another user. Root only passes its sticky rule
 * with CAP_FOWNER, so commands run without it (setpriv) meet the folder as an ordinary user does.
 */
function sharedTmp(parent: string, name: string): string {
  const folder = join(parent, name);
  mkdirSync(folder);
  chmodSync(folder, 0o1777);
  chownSync(folder, TMP_OWNER_UID, TMP_OWNER_UID);
  return folder;
}

const asOrdinaryUser = (command: string, args: readonly string[]): [string, string[]] => (isRoot ? ['setpriv', ['--bounding-set=-fowner', '--', command, ...args]] : [command, [...args]]);

describe.skipIf(!haveAll([...SECRET_SERVICE_PROGRAMS, 'setpriv']))('the keyring addon leaves no litter', { retry: 2 }, () => {
  let session: SecretServiceSession;
  let probeDir: string;
  let probe: string;
  beforeAll(async () => {
    session = await startSecretService();
    // The control: bun's own loading of the same addon, in a program of three lines.
    probeDir = mkdtempSync(join(tmpdir(), 'tsstore-addon-probe-'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(probeDir, 'node_modules'));
    writeFileSync(join(probeDir, 'probe.ts'), "const k = await import('@napi-rs/keyring');\nprocess.stdout.write(typeof k.Entry);\n");
    probe = join(probeDir, 'probe');
    await execa(bunBinary(), ['build', '--compile', '--target=bun', 'probe.ts', '--outfile', probe], { cwd: probeDir, timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await session?.stop();
    if (probeDir) rmSync(probeDir, { recursive: true, force: true });
  });

  const runProbe = async (tmp: string) => {
    const [command, args] = asOrdinaryUser(probe, []);
    const result = await execa(command, args, { env: { PATH: process.env.PATH ?? '', TMPDIR: tmp }, extendEnv: false, reject: false });
    expect(result.stdout).toBe('function');
  };
  const initKeyring = async (tmp: string) => {
    const [command, args] = asOrdinaryUser(HELPER_BINARY, ['init', '--backend', 'keyring', '--no-docker-config']);
    const result = await session.exec(command, args, '', { TMPDIR: tmp });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Credentials are kept in the OS keyring: the Secret Service, collection "Login"/);
    expect(result.exitCode).toBe(0);
  };

  it('normal loads leave nothing in TMPDIR, and the library works after its file is gone', async () => {
    const tmp = join(session.home, 'private-tmp');
    mkdirSync(tmp, { mode: 0o700 });
    // Control: bun alone keeps its copy.
    await runProbe(tmp);
    const kept = readdirSync(tmp);
    expect(kept).toEqual([expect.stringMatching(/^\.bun-.*\.node$/)]);
    rmSync(join(tmp, kept[0] as string));

    await initKeyring(tmp);
    await initKeyring(tmp);
    expect(readdirSync(tmp)).toEqual([]);

    // An item of service "tsstore" without the username attribute: only the library can list then.
    expect((await session.run(['store'], JSON.stringify({ ServerURL: 'litter.example', Username: 'u', Secret: 's' }), { TMPDIR: tmp })).exitCode).toBe(0);
    const stranger = await session.exec('secret-tool', ['store', '--label=stranger', 'service', 'tsstore', 'note', 'no-username'], 'x');
    expect(stranger.exitCode, stranger.stderr).toBe(0);
    const [command, args] = asOrdinaryUser(HELPER_BINARY, ['list']);
    const listed = await session.exec(command, args, 'unused', { TMPDIR: tmp });
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toEqual({ 'litter.example': 'u' });
    expect(readdirSync(tmp)).toEqual([]);
    // Control: that list did load the addon (it needs a TMPDIR to copy it into).
    const missing = join(session.home, 'no-such-tmp');
    expect((await session.run(['list'], 'unused', { TMPDIR: missing })).stdout).toMatch(/^cannot load the keyring library: .* temporary folder \S+no-such-tmp \(TMPDIR\), and it does not exist;/);
  });

  it.skipIf(!isRoot)('a file planted under bun\'s name in a shared TMPDIR by another user: no copy is left beside it', async () => {
    // bun's name for the addon, as the control leaves it in a folder of its own.
    const learn = join(session.home, 'learn-name');
    mkdirSync(learn, { mode: 0o700 });
    await runProbe(learn);
    const [name] = readdirSync(learn);
    expect(name).toMatch(/^\.bun-.*\.node$/);

    const plant = (folder: string) => {
      writeFileSync(join(folder, name as string), 'planted by someone else\n', { mode: 0o644 });
      chownSync(join(folder, name as string), PLANTER_UID, PLANTER_UID);
    };
    // Control: bun alone loads a new random copy at every run and leaves it there.
    const bunTmp = sharedTmp(session.home, 'shared-tmp-bun');
    plant(bunTmp);
    await runProbe(bunTmp);
    await runProbe(bunTmp);
    const left = readdirSync(bunTmp);
    expect(left).toContain(name);
    expect(left.filter((file) => file !== name)).toEqual([expect.stringMatching(/\.node$/), expect.stringMatching(/\.node$/)]);

    const ourTmp = sharedTmp(session.home, 'shared-tmp-tsstore');
    plant(ourTmp);
    await initKeyring(ourTmp);
    await initKeyring(ourTmp);
    expect(readdirSync(ourTmp)).toEqual([name]);
    // The planted file is not ours to touch.
    expect(readFileSync(join(ourTmp, name as string), 'utf8')).toBe('planted by someone else\n');
    expect(statSync(join(ourTmp, name as string)).uid).toBe(PLANTER_UID);
  });
});
