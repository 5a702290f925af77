import { describe, expect, it } from 'vitest';
import { fullName, parseImageReference } from '../../src/docker/image-reference.js';
import { TsstoreError } from '../../src/errors.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference: as docker normalises names', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['bob/app', 'docker.io', 'bob/app', undefined, undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['index.docker.io/bob/app:2', 'docker.io', 'bob/app', '2', undefined],
    ['docker.io/library/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['127.0.0.1:5000/dream/app:1.0', '127.0.0.1:5000', 'dream/app', '1.0', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/a/b/c', 'localhost:5000', 'a/b/c', undefined, undefined],
    ['registry.example/team/app', 'registry.example', 'team/app', undefined, undefined],
    // An upper-case first component can only be a host: repository names are lower case.
    ['Registry/app', 'Registry', 'app', undefined, undefined],
    ['[::1]:5000/app', '[::1]:5000', 'app', undefined, undefined],
    ['team/sub/app', 'docker.io', 'team/sub/app', undefined, undefined],
    [`reg.example:5000/app@${DIGEST}`, 'reg.example:5000', 'app', undefined, DIGEST],
    [`app:1@${DIGEST}`, 'docker.io', 'library/app', '1', DIGEST],
    ['x/a_b.c__d-e---f', 'docker.io', 'x/a_b.c__d-e---f', undefined, undefined],
  ])('%s', (given, domain, path, tag, digest) => {
    const reference = parseImageReference(given);
    expect(reference).toEqual({ given, domain, path, hub: domain === 'docker.io', ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
    expect(fullName(reference)).toBe(`${domain}/${path}`);
  });

  it.each([
    ['', 'an image reference is needed'],
    ['a'.repeat(64).replace(/a/g, 'f'), 'an image ID (64 hexadecimal digits) is not a repository name'],
    ['Bob', 'invalid reference format: repository name (library/Bob) must be lowercase'],
    ['reg.example/Team/app', 'invalid reference format: repository name (Team/app) must be lowercase'],
    ['bob/App:1', 'invalid reference format: repository name (bob/App) must be lowercase'],
    ['reg.example:5000/', 'invalid reference format'],
    ['app:', 'invalid reference format'],
    ['app:-tag', 'invalid reference format'],
    ['a//b', 'invalid reference format'],
    ['-app', 'invalid reference format'],
    ['app-', 'invalid reference format'],
    ['app@sha256:abc', 'invalid reference format'],
    ['https://reg.example/app', 'invalid reference format'],
    ['reg.example/app name', 'invalid reference format'],
    ['app\u001b[2J', 'invalid reference format'],
    [`reg.example/${'a'.repeat(250)}`, 'repository name must not be more than 255 characters'],
    [`app:${'t'.repeat(129)}`, 'invalid reference format'],
    ['-h.example/app', 'invalid reference format'],
    // A dot makes the first component a host, and a host cannot hold '_'.
    ['a_b.c/x', 'invalid reference format'],
  ])('%j is refused: %s', (given, why) => {
    let thrown: unknown;
    try {
      parseImageReference(given);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TsstoreError);
    expect((thrown as TsstoreError).code).toBe('usage');
    const message = (thrown as Error).message;
    expect(message.startsWith(`--image ${JSON.stringify(given)}: ${why}`)).toBe(true);
    expect(message).not.toContain('\n');
  });
});
