import { afterEach, describe, expect, it } from 'vitest';
import { CLOCK_COMMANDS, clock } from '../../../src/doctor/checks/clock.js';
import { describeOffset, judgeDate, parseHttpDate } from '../../../src/doctor/clock/judge-date.js';
import { runChecks } from '../../../src/doctor/runner.js';
import type { HttpOutcome, HttpRequest } from '../../../src/registry/http-request.js';
import { type HomeContext, cleanUpHomes, home } from './home-context.js';

afterEach(cleanUpHomes);

const T = Date.UTC(2026, 11, 1, 21, 0, 0); // Tue, 01 Dec 2026 21:00:00 GMT
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('parseHttpDate', () => {
  it('reads an IMF-fixdate and refuses everything else', () => {
    expect(parseHttpDate('Tue, 01 Dec 2026 21:00:00 GMT')).toBe(T);
    expect(parseHttpDate(httpDate(T + 1234_000))).toBe(T + 1234_000);
    expect(parseHttpDate('Wed, 01 Dec 2026 21:00:00 GMT')).toBeUndefined(); // wrong weekday
    expect(parseHttpDate('Tue, 31 Feb 2026 21:00:00 GMT')).toBeUndefined();
    expect(parseHttpDate('Tue, 01 Dec 2026 24:00:00 GMT')).toBeUndefined();
    expect(parseHttpDate('2026-12-01T21:00:00Z')).toBeUndefined();
    expect(parseHttpDate('Tue, 01 Dec 2026 21:00:00 +0000')).toBeUndefined();
    expect(parseHttpDate('')).toBeUndefined();
  });
});

describe('judgeDate', () => {
  it('is ok within 60 s either way, rounding to the midpoint of the request', () => {
    expect(judgeDate(httpDate(T), T, T + 1000)).toEqual({ kind: 'ok', offsetSeconds: 0 });
    expect(judgeDate(httpDate(T + 59_000), T, T)).toEqual({ kind: 'ok', offsetSeconds: 60 });
    expect(judgeDate(httpDate(T - 59_000), T, T)).toEqual({ kind: 'ok', offsetSeconds: -58 }); // -59 s + half the Date's second
  });

  it("allows the Date's 1 s resolution and the time the request took before calling it skewed", () => {
    // The registry may have read 21:01:00.999 while we were at 21:00:00.000: just 61 s, so skewed ...
    expect(judgeDate(httpDate(T + 61_000), T, T)).toMatchObject({ kind: 'skewed' });
    // ... but 60 s and a fraction ahead could be 60 s exactly: ok.
    expect(judgeDate(httpDate(T + 60_000), T, T)).toMatchObject({ kind: 'ok' });
    // A slow answer: the registry may have looked at any point within it.
    expect(judgeDate(httpDate(T + 61_000), T, T + 5000)).toMatchObject({ kind: 'ok' });
    expect(judgeDate(httpDate(T - 61_000), T, T)).toMatchObject({ kind: 'ok' }); // -61 s + up to 1 s: -60 s possible
    expect(judgeDate(httpDate(T - 62_000), T, T)).toEqual({ kind: 'skewed', offsetSeconds: -61 });
  });

  it('names the offset: positive when the local clock is behind', () => {
    expect(judgeDate(httpDate(T + 3600_000), T, T + 200)).toEqual({ kind: 'skewed', offsetSeconds: 3600 });
    expect(judgeDate(httpDate(T - 3600_000), T, T + 200)).toEqual({ kind: 'skewed', offsetSeconds: -3600 });
    expect(describeOffset(3600)).toBe('3600 s behind');
    expect(describeOffset(-75)).toBe('75 s ahead');
    expect(describeOffset(0)).toBe('in step');
  });

  it('no Date, an empty one, a broken one and two of them', () => {
    expect(judgeDate(undefined, T, T)).toEqual({ kind: 'no-date' });
    expect(judgeDate('  ', T, T)).toEqual({ kind: 'no-date' });
    expect(judgeDate([], T, T)).toEqual({ kind: 'no-date' });
    expect(judgeDate('yesterday', T, T)).toEqual({ kind: 'unparseable', text: 'yesterday' });
    expect(judgeDate([httpDate(T), httpDate(T)], T, T)).toMatchObject({ kind: 'unparseable' });
  });
});

const answer = (status: number, headers: Record<string, string> = {}): HttpOutcome => ({ kind: 'response', status, headers, body: '' });
const refused: HttpOutcome = { kind: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' };

async function run(context: HomeContext) {
  const report = await runChecks([clock], context, { fix: true, only: [] });
  const check = report.checks[0];
  if (!check) throw new Error('no result');
  return { ok: report.ok, status: check.status, details: check.details };
}

describe('clock', () => {
  it('is skipped when there is no registry, and asks nothing', async () => {
    const context = home({ config: { credsStore: 'tsstore' } });
    expect(await run(context)).toMatchObject({ ok: true, status: 'skipped', details: ['no registries to compare the clock with (tsstore and config.json name none)'] });
    expect(context.requests).toEqual([]);
  });

  it('a registry an hour ahead is a problem naming it and the offset; one in step is ok; no login is sent', async () => {
    const context = home({
      config: { auths: { '127.0.0.2:5001': {}, 'https://127.0.0.1:5000/v1/': {} }, credsStore: 'tsstore' },
      http: (request: HttpRequest) => {
        const host = new URL(request.url).host;
        if (host === '127.0.0.1:5000') return answer(401, { date: httpDate(Date.now()), 'www-authenticate': 'Basic realm="x"' });
        if (host === '127.0.0.2:5001') return answer(401, { date: httpDate(Date.now() + 3600_000) });
        return refused;
      },
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: 'alices-secret' });
    const result = await run(context);
    expect(result.ok).toBe(false);
    expect(result.status).toBe('problem');
    expect(result.details.slice(-2)).toEqual(CLOCK_COMMANDS.map((command) => `run: ${command}`));
    expect(result.details[0]).toMatch(/^127\.0\.0\.1:5000: the local clock agrees with the registry's Date header \(/);
    expect(result.details[1]).toMatch(/^127\.0\.0\.2:5001: the local clock is 360[01] s behind the registry's \(its Date header, https:\/\/127\.0\.0\.2:5001\/v2\/\); more than 60 s apart$/);
    // The same registry under two keys is asked once; https first (unverified, as docker does for loopback).
    expect(context.requests.map((request) => [request.url, request.verifyTls, request.headers])).toEqual([
      ['https://127.0.0.1:5000/v2/', false, undefined],
      ['https://127.0.0.2:5001/v2/', false, undefined],
    ]);
    expect(JSON.stringify(result)).not.toContain('alices-secret');
  });

  it('falls back to plain http where docker would; unreachable and dateless registries are skipped', async () => {
    const context = home({
      config: { auths: { '127.0.0.1:5000': {}, '127.0.0.1:1': {}, '127.0.0.1:6000': {} } },
      http: (request: HttpRequest) => {
        const url = new URL(request.url);
        if (url.host === '127.0.0.1:5000' && url.protocol === 'http:') return answer(200, { date: httpDate(Date.now() - 90_000) });
        if (url.host === '127.0.0.1:6000') return answer(404);
        return refused;
      },
    });
    const result = await run(context);
    expect(result.status).toBe('problem');
    // The Date drops the milliseconds: 90 s ahead reads as 89 or 90.
    expect(result.details[0]).toMatch(/^127\.0\.0\.1:5000: the local clock is (89|90) s ahead of the registry's \(its Date header, http:\/\/127\.0\.0\.1:5000\/v2\/\); more than 60 s apart$/);
    expect(result.details.slice(1)).toEqual([
      '127.0.0.1:1: skipped, no answer from https://127.0.0.1:1/v2/ (ECONNREFUSED: connect ECONNREFUSED)',
      '127.0.0.1:6000: skipped, https://127.0.0.1:6000/v2/ sent no Date header',
      "token logins check a token's nbf and exp against this clock: let the time service set it",
      'run: sudo timedatectl set-ntp true',
      'run: timedatectl status',
    ]);
  });

  it('is skipped when no registry gives a usable time', async () => {
    const context = home({ config: { auths: { '127.0.0.1:6000': {} } }, http: () => answer(401, { date: 'soon' }) });
    expect(await run(context)).toMatchObject({
      ok: true,
      status: 'skipped',
      details: ['127.0.0.1:6000: skipped, https://127.0.0.1:6000/v2/ sent a Date header that is not an HTTP date: "soon"', 'no registry gave a time to compare with'],
    });
  });
});
