/**
 * clock: the local clock against each registry's. One unauthenticated `GET /v2/` per registry (tsstore's
 * keys and config.json's `auths`, no login read or sent), over the endpoints docker would use, and its
 * `Date` header judged against the local time around the request (../clock/judge-date.ts). Never writes;
 * no fix: setting the clock is for the system's time service.
 */
import { isIP } from 'node:net';
import { type RegistryTarget, endpointsFor, transportFor } from '../../registry/endpoints.js';
import type { HttpOutcome } from '../../registry/http-request.js';
import { registryCertificateAuthorities } from '../../registry/trusted-authorities.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import { type ClockVerdict, MAX_SKEW_MS, describeOffset, judgeDate } from '../clock/judge-date.js';
import { gatherRegistries } from '../clock/registries.js';
import type { DaemonSettings } from '../../docker/daemon-settings.js';
import { REGISTRY_TIMEOUT_MS, inParallel } from '../registry-login/probe-logins.js';

const PARALLEL_REGISTRIES = 4;
export const CLOCK_COMMANDS = ['sudo timedatectl set-ntp true', 'timedatectl status'];

type Asked = { verdict: ClockVerdict; url: string } | { unreachable: string; url: string };

export const clock: Check = {
  id: 'clock',
  title: 'The local clock agrees with the registries',
  async diagnose(context): Promise<Diagnosis> {
    const notes: string[] = [];
    const registries = await gatherRegistries(context, notes);
    if (registries.length === 0) return { status: 'skipped', details: [...notes, 'no registries to compare the clock with (tsstore and config.json name none)'] };
    const { settings: daemon, notes: daemonNotes } = await context.daemonSettings();
    notes.push(...daemonNotes);
    const answers = await inParallel(registries, PARALLEL_REGISTRIES, (target) => askTime(context, target, daemon));
    const lines = answers.map((asked, index) => describe(registries[index] as RegistryTarget, asked));
    const details = [...notes, ...lines];
    if (answers.some((asked) => 'verdict' in asked && asked.verdict.kind === 'skewed')) {
      return { status: 'problem', fixable: false, details: [...details, `token logins check a token's nbf and exp against this clock: let the time service set it`], commands: CLOCK_COMMANDS };
    }
    if (answers.some((asked) => 'verdict' in asked && asked.verdict.kind === 'ok')) return { status: 'ok', details };
    return { status: 'skipped', details: [...details, 'no registry gave a time to compare with'] };
  },
};

/** The first endpoint docker would use that answers at all; any HTTP status carries a Date. */
async function askTime(context: DoctorContext, target: RegistryTarget, daemon: DaemonSettings): Promise<Asked> {
  const addresses = target.hub || isIP(target.hostname) !== 0 ? [] : await context.resolveHost(target.hostname);
  const transport = transportFor(target, daemon.insecure, addresses, daemon.daemonJson);
  const ca = [...daemon.systemCas, ...registryCertificateAuthorities(daemon.certsD, target.indexName)];
  let failed: Asked | undefined;
  for (const endpoint of endpointsFor(target, transport)) {
    const url = `${endpoint.base}/v2/`;
    const beforeMs = Date.now();
    const outcome: HttpOutcome = await context.httpRequest({ url, timeoutMs: REGISTRY_TIMEOUT_MS, verifyTls: endpoint.verifyTls, ca });
    const afterMs = Date.now();
    if (outcome.kind === 'response') return { verdict: judgeDate(outcome.headers.date, beforeMs, afterMs), url };
    failed ??= { unreachable: `${outcome.code}: ${outcome.message}`, url };
  }
  return failed ?? { unreachable: 'no endpoint', url: '' };
}

function describe(target: RegistryTarget, asked: Asked): string {
  const name = target.indexName;
  if ('unreachable' in asked) return `${name}: skipped, no answer from ${asked.url} (${asked.unreachable})`;
  const { verdict } = asked;
  switch (verdict.kind) {
    case 'ok':
      return `${name}: the local clock agrees with the registry's Date header (${describeOffset(verdict.offsetSeconds)}; the limit is ${MAX_SKEW_MS / 1000} s)`;
    case 'skewed':
      return `${name}: the local clock is ${describeOffset(verdict.offsetSeconds)}${verdict.offsetSeconds < 0 ? ' of' : ''} the registry's (its Date header, ${asked.url}); more than ${MAX_SKEW_MS / 1000} s apart`;
    case 'no-date':
      return `${name}: skipped, ${asked.url} sent no Date header`;
    case 'unparseable':
      return `${name}: skipped, ${asked.url} sent a Date header that is not an HTTP date: ${JSON.stringify(verdict.text.slice(0, 64))}`;
  }
}
