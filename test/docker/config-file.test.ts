import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plaintextEntries } from '../../src/docker/auths.js';
import {
  dockerConfigPath,
  parseDockerConfig,
  readDockerConfig,
  serializeDockerConfig,
  writeDockerConfig,
  writeDockerConfigText,
} from '../../src/docker/config-file.js';

describe('dockerConfigPath', () => {
  it('honours DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/x/y', HOME: '/h' })).toBe('/x/y/config.json');
    expect(dockerConfigPath({ HOME: '/h' })).toBe('/h/.docker/config.json');
  });
});

describe('parseDockerConfig', () => {
  it('treats an empty file as an empty configuration, as docker does', () => {
    expect(parseDockerConfig('  \n', 'c.json')).toEqual({});
  });
  it('names line and column of a syntax error', () => {
    expect(() => parseDockerConfig('{\n\t"auths": {\n\t\t"x": {},\n\t}\n}', 'c.json')).toThrow(
      'c.json is not valid JSON (line 4, column 2); fix it by hand',
    );
  });
  it('refuses JSON that is not an object', () => {
    expect(() => parseDockerConfig('[1]', 'c.json')).toThrow('c.json must hold a JSON object; fix it by hand');
  });
  it('property: serializing keeps every key and value, with tabs like docker', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (config) => {
        const text = serializeDockerConfig(config);
        expect(parseDockerConfig(text, 'c.json')).toEqual(JSON.parse(JSON.stringify(config)));
      }),
    );
    expect(serializeDockerConfig({ auths: { h: {} } })).toBe('{\n\t"auths": {\n\t\t"h": {}\n\t}\n}');
  });
});

describe('plaintextEntries: which registries', () => {
  const plaintextRegistries = (config: Record<string, unknown>) => plaintextEntries(config).map((entry) => entry.registry);
  it('finds auths entries that hold a secret', () => {
    expect(
      plaintextRegistries({
        auths: { a: { auth: 'dTpw' }, b: {}, c: { identitytoken: 't' }, d: { email: 'x' }, e: { password: '' }, f: { registrytoken: 'r' } },
      }),
    ).toEqual(['a', 'c', 'f']);
    expect(plaintextRegistries({})).toEqual([]);
    expect(plaintextRegistries({ auths: 'nonsense' })).toEqual([]);
  });
});

describe('readDockerConfig and writeDockerConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-docker-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as empty and creates it private', () => {
    const env = { DOCKER_CONFIG: join(dir, 'd') };
    const file = readDockerConfig(env);
    expect(file).toEqual({ path: join(dir, 'd', 'config.json'), exists: false, config: {} });
    file.config.credsStore = 'tsstore';
    writeDockerConfig(file);
    expect(readFileSync(file.path, 'utf8')).toBe('{\n\t"credsStore": "tsstore"\n}');
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'd')).mode & 0o777).toBe(0o700);
  });

  it('writes through a symlink, keeping the link', () => {
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'real', 'config.json'), '{"x-unknown": {"keep": [1, 2]}}');
    symlinkSync(join(dir, 'real', 'config.json'), join(dir, 'd', 'config.json'));
    const file = readDockerConfig({ DOCKER_CONFIG: join(dir, 'd') });
    file.config.credsStore = 'tsstore';
    writeDockerConfig(file);
    expect(lstatSync(join(dir, 'd', 'config.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'real', 'config.json'), 'utf8'))).toEqual({ 'x-unknown': { keep: [1, 2] }, credsStore: 'tsstore' });
  });

  it('writeDockerConfigText puts the text as given through a symlink, keeping the link, mode 0600', () => {
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'real', 'config.json'), '\ufeff{"a": 1}', { mode: 0o644 });
    symlinkSync(join(dir, 'real', 'config.json'), join(dir, 'd', 'config.json'));
    const file = readDockerConfig({ DOCKER_CONFIG: join(dir, 'd') });
    writeDockerConfigText(file, '{"a":   1}\r\n');
    expect(lstatSync(join(dir, 'd', 'config.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'config.json'), 'utf8')).toBe('{"a":   1}\r\n');
    expect(statSync(join(dir, 'real', 'config.json')).mode & 0o777).toBe(0o600);
  });
});

describe('numbers', () => {
  it('keeps the text of numbers a double cannot hold, and of the usual ones', () => {
    const text = '{"a": 1700000000000000001, "b": [1e400, -0.1000000000000000000000001, 1.0, 2, -3.5e-7], "c": "1e400", "d": {"e": 12}}';
    const config = parseDockerConfig(text, 'c.json');
    expect(config.c).toBe('1e400');
    expect(config.d).toEqual({ e: 12 });
    expect(serializeDockerConfig(config).replace(/\s+/g, ' ')).toBe(
      '{ "a": 1700000000000000001, "b": [ 1e400, -0.1000000000000000000000001, 1.0, 2, -3.5e-7 ], "c": "1e400", "d": { "e": 12 } }',
    );
  });
  it('does not mistake a string for a marked number', () => {
    const config = parseDockerConfig('{"s": "\\u0000tsstore-number-0:5"}', 'c.json');
    expect(serializeDockerConfig(config)).toBe('{\n\t"s": "\\u0000tsstore-number-0:5"\n}');
  });
});
