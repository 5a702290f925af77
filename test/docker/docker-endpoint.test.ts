/** The docker endpoint from a context's meta.json, as the docker CLI finds it; a FIFO there is never waited on. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextMetaPath, dockerEndpoint } from '../../src/docker/docker-endpoint.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-endpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const configFile = () => ({ path: join(dir, 'config.json'), config: { currentContext: 'remote' } });

describe('dockerEndpoint', () => {
  it("takes the host from the current context's meta.json", () => {
    const meta = contextMetaPath(dir, 'remote');
    mkdirSync(dirname(meta), { recursive: true });
    writeFileSync(meta, JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'unix:///run/user/1000/docker.sock' } } }));
    expect(dockerEndpoint({}, configFile()).host).toBe('unix:///run/user/1000/docker.sock');
  });

  it('a FIFO named meta.json is not read (its open would wait for a writer): the context has no host', () => {
    const meta = contextMetaPath(dir, 'remote');
    mkdirSync(dirname(meta), { recursive: true });
    execFileSync('mkfifo', [meta]);
    const withFifo = dockerEndpoint({}, configFile());
    rmSync(meta);
    expect(withFifo).toEqual(dockerEndpoint({}, configFile()));
  });
});
