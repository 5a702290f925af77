import { describe, expect, it } from 'vitest';
import type { Check, Diagnosis } from '../../src/doctor/check.js';
import { renderJson, renderText, useColor } from '../../src/doctor/render.js';
import { runChecks } from '../../src/doctor/runner.js';
import { FakeContext } from './fake-context.js';
import { writingCheck } from './writing-check.js';

const fixed = { value: false };
const flaky: Check = {
  id: 'flaky',
  title: 'Flaky thing',
  async diagnose(): Promise<Diagnosis> {
    return fixed.value ? { status: 'ok', details: [] } : { status: 'problem', details: ['it is broken'] };
  },
  async fix() {
    fixed.value = true;
    return ['repaired it'];
  },
};
const crashing: Check = {
  id: 'crashing',
  title: 'Crashing check',
  async diagnose(): Promise<Diagnosis> {
    throw new Error('boom\nwith a second line');
  },
};
const manual: Check = {
  id: 'manual',
  title: 'Needs a person',
  async diagnose(): Promise<Diagnosis> {
    return { status: 'problem', fixable: false, details: ['cannot do it'], commands: ['docker login reg'] };
  },
};
const stubborn: Check = {
  id: 'stubborn',
  title: 'Fix does not help',
  async diagnose(): Promise<Diagnosis> {
    return { status: 'problem', details: ['still broken'] };
  },
  async fix() {
    return ['tried'];
  },
};
let clock = 0;
const now = () => (clock += 5);

describe('runChecks', () => {
  it('diagnoses only, without --fix, and reports a crash without stopping', async () => {
    fixed.value = false;
    const report = await runChecks([crashing, flaky, manual], new FakeContext(), { fix: false, only: [], now });
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => [check.id, check.status, check.details])).toEqual([
      ['crashing', 'crashed', ['the check itself failed: boom']],
      ['flaky', 'problem', ['it is broken']],
      ['manual', 'problem', ['cannot do it', 'run: docker login reg']],
    ]);
    expect(fixed.value).toBe(false);
    expect(report.checks[0]?.durationMs).toBe(5);
  });

  it('fixes, diagnoses again, and says fixed only when the problem is gone', async () => {
    fixed.value = false;
    const report = await runChecks([flaky, stubborn], new FakeContext(), { fix: true, only: [], now });
    expect(report.checks.map((check) => [check.id, check.status, check.details])).toEqual([
      ['flaky', 'fixed', ['repaired it']],
      ['stubborn', 'problem', ['tried', 'still broken']],
    ]);
    expect(report.ok).toBe(false);
  });

  it('runs no fix when config.json cannot be read', async () => {
    fixed.value = false;
    const report = await runChecks([flaky], new FakeContext({ configText: '{' }), { fix: true, only: [], now });
    expect(report.checks[0]?.status).toBe('problem');
    expect(report.checks[0]?.details).toContain('not fixed: config.json must be fixed by hand first (see config-json)');
    expect(fixed.value).toBe(false);
  });

  it('runs no write phase under --fix when config.json cannot be read: the report is what diagnose found', async () => {
    const ran: Diagnosis[] = [];
    const probing = writingCheck('fix', ran);
    const refused = await runChecks([probing], new FakeContext({ configText: '{' }), { fix: true, only: [], now });
    expect(ran).toEqual([]);
    expect(refused.checks[0]).toMatchObject({ status: 'ok', details: ['looked'] });
    // The same check with a readable config.json does write: the refusal above is the guard's doing.
    const allowed = await runChecks([probing], new FakeContext({ configText: '{}' }), { fix: true, only: [], now });
    expect(ran).toHaveLength(1);
    expect(allowed.checks[0]).toMatchObject({ status: 'ok', details: ['looked', 'wrote under --fix'] });
  });

  it('runs a fix that leaves config.json alone while config.json cannot be read; the others still wait', async () => {
    const edited: string[] = [];
    const daemonFile = { broken: true };
    const elsewhere: Check = {
      id: 'elsewhere',
      title: "Edits the daemon's file",
      fixLeavesDockerConfig: true,
      async diagnose(): Promise<Diagnosis> {
        return daemonFile.broken ? { status: 'problem', details: ['needs an entry'] } : { status: 'ok', details: [] };
      },
      async fix() {
        edited.push('daemon.json');
        daemonFile.broken = false;
        return ['added the entry'];
      },
    };
    fixed.value = false;
    const report = await runChecks([flaky, elsewhere], new FakeContext({ configText: '{' }), { fix: true, only: [], now });
    expect(report.checks.map((check) => [check.id, check.status, check.details])).toEqual([
      ['flaky', 'problem', ['it is broken', 'not fixed: config.json must be fixed by hand first (see config-json)']],
      ['elsewhere', 'fixed', ['added the entry']],
    ]);
    expect(edited).toEqual(['daemon.json']);
    expect(fixed.value).toBe(false);
  });

  it('runs only the checks asked for', async () => {
    const report = await runChecks([crashing, manual], new FakeContext(), { fix: false, only: ['manual'], now });
    expect(report.checks.map((check) => check.id)).toEqual(['manual']);
  });
});

describe('a warning: works, but ...', () => {
  const caveat: Check = {
    id: 'caveat',
    title: 'Works with a caveat',
    async diagnose(): Promise<Diagnosis> {
      return { status: 'warning', details: ['warning: it breaks at the next renewal'], commands: ['openssl x509 -noout -text -in ca.crt'] };
    },
    async fix() {
      throw new Error('a warning is never fixed');
    },
  };

  it('is reported with its details and commands, never fixed, and leaves the report ok', async () => {
    const report = await runChecks([caveat], new FakeContext(), { fix: true, only: [], now });
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.id, check.status, check.details])).toEqual([
      ['caveat', 'warning', ['warning: it breaks at the next renewal', 'run: openssl x509 -noout -text -in ca.crt']],
    ]);
  });

  it('a warning beside a problem: the report is not ok because of the problem alone', async () => {
    const report = await runChecks([caveat, manual], new FakeContext(), { fix: false, only: [], now });
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => check.status)).toEqual(['warning', 'problem']);
  });

  it('a fix that leaves a warning: the status is the warning, the details say what was done first', async () => {
    const state = { fixed: false };
    const partly: Check = {
      id: 'partly',
      title: 'Fixed, a caveat left',
      async diagnose(): Promise<Diagnosis> {
        return state.fixed ? { status: 'warning', details: ['warning: still plain HTTP'] } : { status: 'problem', details: ['not listed'] };
      },
      async fix() {
        state.fixed = true;
        return ['listed it'];
      },
    };
    const report = await runChecks([partly], new FakeContext(), { fix: true, only: [], now });
    expect(report.ok).toBe(true);
    expect(report.checks[0]).toMatchObject({ status: 'warning', details: ['listed it', 'warning: still plain HTTP'] });
  });
});

describe('rendering', () => {
  const report = {
    ok: false,
    checks: [
      { id: 'a', title: 'A works', status: 'ok' as const, details: [], durationMs: 1 },
      { id: 'b', title: 'B works', status: 'problem' as const, details: ['b is broken', 'run: fix-b'], durationMs: 1 },
      { id: 'c', title: 'C works', status: 'fixed' as const, details: ['did c'], durationMs: 1 },
    ],
  };
  it('renders one line per check with details under it', () => {
    expect(renderText(report, { color: false })).toBe(
      '✓ A works  [a]\n✗ B works  [b]\n    b is broken\n    run: fix-b\n✓ C works (fixed)  [c]\n    did c\n\n1 problem left.\n',
    );
    expect(renderText(report, { color: true })).toContain('\u001b[31m✗\u001b[0m B works');
  });
  it('renders the documented JSON shape', () => {
    expect(JSON.parse(renderJson(report))).toEqual({
      ok: false,
      checks: [
        { id: 'a', title: 'A works', status: 'ok', details: [] },
        { id: 'b', title: 'B works', status: 'problem', details: ['b is broken', 'run: fix-b'] },
        { id: 'c', title: 'C works', status: 'fixed', details: ['did c'] },
      ],
    });
  });
  const warned = {
    ok: true,
    checks: [
      { id: 'a', title: 'A works', status: 'ok' as const, details: [], durationMs: 1 },
      { id: 'w', title: 'W \u001b[2Jworks', status: 'warning' as const, details: ['warning: w breaks \u001b[31mlater'], durationMs: 1 },
      { id: 's', title: 'S', status: 'skipped' as const, details: [], durationMs: 1 },
    ],
  };
  it('renders a warning with its own mark and note, escaped like every line, and counts it after the problems', () => {
    expect(renderText(warned, { color: false })).toBe(
      '✓ A works  [a]\n⚠ W \\x1b[2Jworks (warning)  [w]\n    warning: w breaks \\x1b[31mlater\n! S (skipped)  [s]\n\nNo problems found; 1 warning.\n',
    );
    expect(renderText(warned, { color: true })).toContain('\u001b[33m⚠\u001b[0m W ');
    const both = { ok: false, checks: [...report.checks, ...warned.checks, { ...warned.checks[1]!, id: 'w2' }] };
    expect(renderText(both, { color: false }).endsWith('\n1 problem left; 2 warnings.\n')).toBe(true);
  });
  it('a warning in JSON: its own status value, ok stays true, the other fields as they were', () => {
    expect(JSON.parse(renderJson(warned))).toEqual({
      ok: true,
      checks: [
        { id: 'a', title: 'A works', status: 'ok', details: [] },
        { id: 'w', title: 'W \u001b[2Jworks', status: 'warning', details: ['warning: w breaks \u001b[31mlater'] },
        { id: 's', title: 'S', status: 'skipped', details: [] },
      ],
    });
  });
  it('uses colour only on a terminal without NO_COLOR', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('a fix run only when named', () => {
  const broken = { value: true };
  const named: Check = {
    id: 'named-only',
    title: 'Edits a system file',
    fixOnlyWhenNamed: true,
    async diagnose(): Promise<Diagnosis> {
      return broken.value ? { status: 'problem', details: ['needs an edit'] } : { status: 'ok', details: [] };
    },
    async fix() {
      broken.value = false;
      return ['edited'];
    },
  };

  it('--fix without ids leaves it and says how to run it; --fix ID runs it', async () => {
    const all = await runChecks([named], new FakeContext(), { fix: true, only: [], now });
    expect(broken.value).toBe(true);
    expect(all.checks[0]).toMatchObject({ status: 'problem', details: ['needs an edit', 'not fixed: this fix is run only when named: docker-credential-tsstore doctor --fix named-only'] });
    const byName = await runChecks([named], new FakeContext(), { fix: true, only: ['named-only'], now });
    expect(byName.checks[0]).toMatchObject({ status: 'fixed', details: ['edited'] });
  });
});
