import { describe, expect, it } from 'vitest';
import type { DaemonInfo } from '../../../src/docker/daemon-info.js';
import { judgeFileValue } from '../../../src/doctor/daemon-json/file-settings.js';
import { classifyProbe, missingEntries } from '../../../src/doctor/daemon-json/registries.js';
import { compareWithRunning, insecureFromElsewhere, normalizeCidr } from '../../../src/doctor/daemon-json/running.js';
import type { HttpOutcome } from '../../../src/registry/http-request.js';

const refused: HttpOutcome = { kind: 'error', code: 'EPROTO', message: 'wrong version number' };
const registry401: HttpOutcome = { kind: 'response', status: 401, headers: { 'docker-distribution-api-version': 'registry/2.0' }, body: '' };
const webPage: HttpOutcome = { kind: 'response', status: 404, headers: {}, body: 'not here' };

function info(overrides: Partial<DaemonInfo> = {}): DaemonInfo {
  return { serverVersion: '20.10.24', insecureNames: [], insecureCidrs: ['127.0.0.0/8'], mirrors: [], proxies: { http: '', https: '', no: '' }, securityOptions: [], ...overrides };
}

describe('registries that answer only plain HTTP', () => {
  it('HTTPS fails and HTTP answers like a registry: an entry is missing; anything else is not', () => {
    const findings = [
      classifyProbe('a:5000', refused, registry401),
      classifyProbe('b:5000', registry401, undefined),
      classifyProbe('c:5000', refused, webPage),
      classifyProbe('d:5000', refused, { kind: 'error', code: 'ECONNREFUSED', message: 'refused' }),
    ];
    expect(findings.map((finding) => finding.kind)).toEqual(['plain-http-only', 'tls', 'unreachable', 'unreachable']);
    expect(missingEntries(findings)).toEqual(['a:5000']);
  });
});

describe('the running daemon against the file', () => {
  const file = judgeFileValue({ 'insecure-registries': ['10.9.9.9:5000', '10.1.2.3/16'], 'registry-mirrors': ['https://m.example'] }, 'daemon.json').settings;

  it('the same settings, as dockerd prints them, are no difference', () => {
    const running = info({ insecureNames: ['10.9.9.9:5000'], insecureCidrs: ['10.1.0.0/16', '127.0.0.0/8'], mirrors: ['https://m.example/'] });
    expect(compareWithRunning(file, running, 'daemon.json')).toEqual({ lines: [] });
  });

  it('an entry added to the file after the daemon started is named, off loopback too, and so is one only the daemon has: a reload takes both', () => {
    const running = info({ insecureNames: ['old:5000'], insecureCidrs: ['10.1.0.0/16', '127.0.0.0/8'], mirrors: ['https://m.example/'] });
    expect(compareWithRunning(file, running, 'daemon.json')).toEqual({
      lines: [
        'daemon.json lists the insecure registries "10.9.9.9:5000", which the running daemon does not use',
        'the running daemon uses the insecure registries "old:5000", which daemon.json does not list',
      ],
      remedy: 'reload',
    });
  });

  it('a key taken out of the file: a reload keeps its running value, so a restart it is (or a flag sets it)', () => {
    const bare = judgeFileValue({ 'registry-mirrors': ['https://m.example'] }, 'daemon.json').settings;
    const running = info({ insecureNames: ['old:5000'], mirrors: ['https://m.example/'] });
    expect(compareWithRunning(bare, running, 'daemon.json')).toEqual({
      lines: [
        'the running daemon uses the insecure registries "old:5000", which daemon.json does not list (daemon.json has no "insecure-registries" at all: a reload leaves the running value as it is, a restart clears it unless it comes from a --insecure-registry flag on dockerd\'s command line)',
      ],
      remedy: 'restart',
    });
    expect(insecureFromElsewhere(bare, running)).toEqual(['old:5000']);
    expect(insecureFromElsewhere(bare, info())).toEqual([]);
    expect(insecureFromElsewhere(file, running)).toEqual([]);
  });

  it('proxies only on dockerd 23 and later, only those the file sets, never with credentials', () => {
    const withProxy = judgeFileValue({ proxies: { 'http-proxy': 'http://u:secret@p:3128' } }, 'daemon.json').settings;
    expect(compareWithRunning(withProxy, info({ proxies: { http: '', https: 'x', no: 'y' } }), 'daemon.json')).toEqual({ lines: [] });
    const compared = compareWithRunning(withProxy, info({ serverVersion: '24.0.7', proxies: { http: '', https: 'x', no: 'y' } }), 'daemon.json');
    // dockerd takes its proxies only when it starts.
    expect(compared).toEqual({ lines: ['proxies.http-proxy is "http://p:3128" in daemon.json, the running daemon uses ""'], remedy: 'restart' });
    expect(compareWithRunning(withProxy, info({ serverVersion: '24.0.7', proxies: { http: 'http://xxxxx:xxxxx@p:3128', https: '', no: '' } }), 'daemon.json')).toEqual({ lines: [] });
  });

  it('CIDRs by their network address', () => {
    expect(normalizeCidr('10.1.2.3/16')).toBe('10.1.0.0/16');
    expect(normalizeCidr('192.168.1.77/32')).toBe('192.168.1.77/32');
    expect(normalizeCidr('0.0.0.0/0')).toBe('0.0.0.0/0');
  });
});

describe('judgeFileValue', () => {
  it('names what stops dockerd from starting', () => {
    expect(judgeFileValue({ 'insecure-registries': 'h:1' }, 'f')).toMatchObject({ editable: false, problems: [expect.stringContaining('not a list')] });
    expect(judgeFileValue({ 'insecure-registries': ['ftp://h:1', 7] }, 'f').problems).toEqual([
      expect.stringContaining('holds 7, not strings'),
      expect.stringContaining('"ftp://h:1"'),
    ]);
  });

  it("keys are dockerd's exact spelling; a flag's singular name is accepted by dockerd and ignored: named", () => {
    const judged = judgeFileValue({ 'Insecure-Registries': ['a:1'], 'insecure-registry': ['b:1'], 'registry-mirror': ['https://m'] }, 'f');
    expect(judged.insecure).toEqual({ names: [], cidrs: [] });
    expect(judged.settings.sets).toEqual({ insecureRegistries: false, registryMirrors: false });
    expect(judged.problems).toEqual([
      '"insecure-registry" in f is the name of dockerd\'s command-line flag: dockerd accepts it in the file and ignores it; the key is "insecure-registries"',
      '"registry-mirror" in f is the name of dockerd\'s command-line flag: dockerd accepts it in the file and ignores it; the key is "registry-mirrors"',
    ]);
    expect(judgeFileValue({ constructor: 1, toString: 2 }, 'f').problems).toEqual([]);
  });
});
