/**
 * Every command of the table (src/commands/table.ts) is reachable in the built file, and any other
 * word is still the protocol's unknown action. main() takes the words it hands to commander from the
 * same table; before, it kept a list of its own and a command missing there answered "unknown action".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/table.js';
import { LISTED_CHECKS } from '../../src/commands/doctor.js';
import { CHECKS } from '../../src/doctor/checks/index.js';
import { type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { snapshotTree } from '../support/tree-snapshot.js';

let home: TemporaryHome;
beforeAll(() => {
  home = temporaryHome();
});
afterAll(() => home.cleanup());

const run = (args: string[]) => runHelper(args, { env: home.env });

describe('the commands for people, on the built file', () => {
  it.each(COMMANDS.map((command) => command.name))('%s is reachable: its --help and help <it> answer the same, exit 0', async (name) => {
    const before = snapshotTree(home.home);
    const result = await run([name, '--help']);
    expect(result).toEqual({ stdout: expect.stringMatching(new RegExp(`^Usage: docker-credential-tsstore ${name} \\[options\\]`)), stderr: '', exitCode: 0 });
    expect(await run(['help', name])).toEqual(result);
    expect(snapshotTree(home.home)).toEqual(before);
  });

  it('lists every command but the hidden agent in --help, in the order of the table', async () => {
    const result = await run(['--help']);
    expect(result.exitCode).toBe(0);
    const listed = result.stdout
      .split('\nCommands:\n')[1]
      ?.split('\n')
      .map((line) => /^ {2}(\S+)/.exec(line)?.[1])
      .filter((word) => word !== undefined);
    const shown = COMMANDS.filter((command) => !command.hidden).map((command) => command.name);
    expect(listed).toEqual([...shown, 'help']);
    expect(COMMANDS.find((command) => command.name === 'agent')?.hidden).toBe(true);
  });

  it('help, -h and --help print the same help, exit 0; no arguments prints it and exits 1', async () => {
    const help = await run(['help']);
    expect(help).toEqual({ stdout: expect.stringMatching(/^Usage: docker-credential-tsstore \[options\] \[command\]\n/), stderr: '', exitCode: 0 });
    expect(await run(['--help'])).toEqual(help);
    expect(await run(['-h'])).toEqual(help);
    expect(await run([])).toEqual({ ...help, exitCode: 1 });
  });

  it('doctor --list-checks prints every check id and title, runs none and writes nothing', async () => {
    const before = snapshotTree(home.home);
    const listed = await run(['doctor', '--list-checks']);
    expect(listed.exitCode).toBe(0);
    // The fixed checks in their order, then image, which runs only with --image REF.
    expect(LISTED_CHECKS.map((check) => check.id)).toEqual([...CHECKS.map((check) => check.id), 'image']);
    expect(listed.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(LISTED_CHECKS.map((check) => check.id));
    const json = await run(['doctor', '--list-checks', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(LISTED_CHECKS.map(({ id, title }) => ({ id, title })));
    expect(snapshotTree(home.home)).toEqual(before);
  });

  it('-v and --version print the version line, as the version verb does', async () => {
    const version = await run(['version']);
    expect(version).toEqual({ stdout: expect.stringMatching(/^docker-credential-tsstore \(\S+\) \d+\.\d+\.\d+\n$/), stderr: '', exitCode: 0 });
    expect(await run(['-v'])).toEqual(version);
    expect(await run(['--version'])).toEqual(version);
  });

  // Words an object lookup or a prefix match would wrongly accept, next to plain unknown ones.
  it.each(['fetch', 'Init', 'agents', 'doc', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'an unknown word %s is the protocol\'s unknown action, one line on stdout, exit 1',
    async (word) => {
      expect(await run([word])).toEqual({ stdout: `docker-credential-tsstore: unknown action: ${word}\n`, stderr: '', exitCode: 1 });
      expect(await run([word, 'extra'])).toEqual({ stdout: `docker-credential-tsstore: unknown action: ${word}\n`, stderr: '', exitCode: 1 });
    },
  );
});
