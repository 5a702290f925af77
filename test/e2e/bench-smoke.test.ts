/**
 * A tiny run of `npm run bench`, so the benchmark keeps working; it measures nothing here (no timed
 * assertions), it only has to run both helpers and print its table.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/helper-binary.js';
import { haveAll, requireReal } from '../support/real-components.js';

const built = existsSync(join(PROJECT_ROOT, 'build', 'src', 'backends', 'pgp', 'pgp-backend.js'));

describe.skipIf(
  !haveAll(['gpg', 'pass', 'docker-credential-pass', 'python3', 'dbus-run-session', 'dbus-send', 'gnome-keyring-daemon', 'docker-credential-secretservice']) ||
    (!built && !requireReal),
)('npm run bench, tiny', () => {
  it('runs ours, the reference helpers and the floor side by side and prints the Markdown tables', async () => {
    const result = await execa(process.execPath, [join(PROJECT_ROOT, 'scripts', 'bench.js')], {
      env: {
        ...process.env,
        BENCH_SIZES: '1,3',
        BENCH_RUNS: '2',
        BENCH_VERBS: 'get,store,list,list-after-store',
        BENCH_KEYRING_SIZES: '1',
        BENCH_FLOOR_VERBS: 'version,list,get-miss',
        BENCH_FLOOR_RUNS: '3',
      },
      reject: false,
      timeout: 240_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const [helpers, floor] = result.stdout.split('| stored | verb | tsstore pgp | floor (bun, one line) | ratio | middle half of the ratios |');
    const rows = (helpers ?? '').split('\n').filter((line) => /^\| \d+ \| (get|store|list|list after store) \|/.test(line));
    // pgp against pass at 1 and 3 stored, keyring against secretservice at 1.
    expect(rows).toHaveLength(12);
    expect(result.stdout).toContain('| stored | verb | tsstore keyring | docker-credential-secretservice |');
    for (const row of rows) expect(row).toMatch(/^\| \d+ \| [\w ]+ \| \d+\.\d \| \d+\.\d \| \d+\.\d\d \| \d+ \/ \d+ \|$/);
    // Ours against a bun file that prints one line, built with the same flags: three verbs at each size.
    const floorRows = (floor ?? '').split('\n').filter((line) => /^\| \d+ \|/.test(line));
    expect(floorRows.map((row) => row.split(' | ').slice(0, 2).join(' | '))).toEqual(
      ['| 1 | version', '| 1 | list', '| 1 | get (not found)', '| 3 | version', '| 3 | list', '| 3 | get (not found)'],
    );
    // The middle half of the pair ratios (first to third quartile) beside the median: the spread a reader needs.
    for (const row of floorRows) expect(row).toMatch(/^\| \d+ \| [\w ()]+ \| \d+\.\d \| \d+\.\d \| \d+\.\d\d \| \d+\.\d\d-\d+\.\d\d \|$/);
  }, 300_000);
});
