import { describe, expect, it } from 'vitest';
import { judgeDaemonInfoRun, parseDaemonInfo } from '../../src/docker/daemon-info.js';

const answer = JSON.stringify({
  ServerVersion: '20.10.24+dfsg1',
  RegistryConfig: {
    IndexConfigs: {
      '10.9.9.9:5000': { Mirrors: [], Name: '10.9.9.9:5000', Official: false, Secure: false },
      'docker.io': { Mirrors: ['https://mirror.example.com/'], Name: 'docker.io', Official: true, Secure: true },
    },
    InsecureRegistryCIDRs: ['10.1.0.0/16', '127.0.0.0/8'],
    Mirrors: ['https://mirror.example.com/'],
  },
  HttpProxy: 'http://xxxxx:xxxxx@proxy:3128',
  HttpsProxy: '',
  NoProxy: 'localhost',
  SecurityOptions: ['name=seccomp,profile=default', 'name=rootless'],
});

describe('docker info', () => {
  it('keeps what daemon-json compares (as dockerd 20.10 prints it)', () => {
    expect(parseDaemonInfo(answer)).toEqual({
      serverVersion: '20.10.24+dfsg1',
      insecureNames: ['10.9.9.9:5000'],
      insecureCidrs: ['10.1.0.0/16', '127.0.0.0/8'],
      mirrors: ['https://mirror.example.com/'],
      proxies: { http: 'http://xxxxx:xxxxx@proxy:3128', https: '', no: 'localhost' },
      securityOptions: ['name=seccomp,profile=default', 'name=rootless'],
    });
  });

  it('no daemon: the CLI prints its own half with an empty ServerVersion, and the reason on stderr', () => {
    const stdout = JSON.stringify({ ServerVersion: '', RegistryConfig: null, ClientInfo: { Version: '28.2.2' } });
    expect(judgeDaemonInfoRun({ stdout, stderr: 'Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?\n', exitCode: 1 }, 5000)).toEqual({
      answered: false,
      reason: 'docker info: Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?',
    });
    expect(judgeDaemonInfoRun({ stdout: '', stderr: '', exitCode: 1, timedOut: true }, 5000)).toEqual({ answered: false, reason: 'docker info got no answer within 5 s' });
    expect(judgeDaemonInfoRun({ stdout: answer, stderr: '', exitCode: 0 }, 5000).answered).toBe(true);
  });
});
