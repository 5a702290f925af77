/** duplicate-logins' pure judgement and wording: which spelling docker reads, what may go, what is said. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { StoredLogin } from '../../../src/backends/backend.js';
import { type JudgeInput, erasable, hasProblem, isSpelling, judge, withoutEntries } from '../../../src/doctor/duplicate-logins/judge.js';
import { describeJudgement, eraseCommand, keyOnStdin, shellArgument } from '../../../src/doctor/duplicate-logins/wording.js';

const alice: StoredLogin = { username: 'alice', secret: 'a-secret' };
const aliceOtherPassword: StoredLogin = { username: 'alice', secret: 'another-secret' };
const bob: StoredLogin = { username: 'bob', secret: 'b-secret' };

function input(logins: Record<string, StoredLogin>, rest: Partial<JudgeInput> = {}): JudgeInput {
  return {
    tsstoreKeys: Object.keys(logins),
    tsstoreLogins: new Map(Object.entries(logins)),
    otherLogins: [],
    config: {},
    unheld: new Set(),
    ...rest,
  };
}

describe('isSpelling', () => {
  it('takes a registry with or without scheme and root path, and nothing with a path', () => {
    for (const key of ['reg:5000', 'reg:5000/', 'http://reg:5000', 'https://reg:5000/', 'https://index.docker.io/v1/', 'docker.io', 'https://index.docker.io/v1']) {
      expect(isSpelling(key), key).toBe(true);
    }
    for (const key of ['reg:5000/team/app', 'https://reg:5000/v2/', 'https://index.docker.io/v1/access-token', 'https://index.docker.io/v1//refresh-token', '', 'tsstore-doctor-probe-1']) {
      expect(isSpelling(key), key).toBe(false);
    }
  });
});

describe('judge: spellings in tsstore', () => {
  it('three spellings with one login: the two docker never reads may go', () => {
    const judgement = judge(input({ 'reg:5000': alice, 'http://reg:5000': alice, 'https://reg:5000/': alice }));
    expect(judgement.groups).toEqual([
      {
        registry: 'reg:5000',
        spellings: [
          { kind: 'erase', key: 'http://reg:5000', sameAs: 'reg:5000' },
          { kind: 'read', key: 'reg:5000', sent: ['reg:5000'] },
          { kind: 'erase', key: 'https://reg:5000/', sameAs: 'reg:5000' },
        ],
        logoutLeaves: [],
      },
    ].map((group) => ({ ...group, spellings: expect.arrayContaining(group.spellings) })));
    expect(erasable(judgement).sort()).toEqual(['http://reg:5000', 'https://reg:5000/']);
    expect(hasProblem(judgement)).toBe(true);
  });

  it('without the key docker sends, the first spelling tsstore answers with is the one docker reads', () => {
    const judgement = judge(input({ 'https://reg:5000/': alice, 'http://reg:5000': alice }));
    expect(judgement.groups[0]?.spellings).toEqual(
      expect.arrayContaining([
        { kind: 'read', key: 'http://reg:5000', sent: ['reg:5000'] },
        { kind: 'erase', key: 'https://reg:5000/', sameAs: 'http://reg:5000' },
      ]),
    );
  });

  it('another username or another password is never erased, and docker logout would leave it', () => {
    const judgement = judge(input({ 'reg:5000': alice, 'https://reg:5000/': bob, 'http://reg:5000': aliceOtherPassword }));
    const group = judgement.groups[0];
    expect(group?.spellings).toEqual(
      expect.arrayContaining([
        { kind: 'differs', key: 'https://reg:5000/', username: 'bob', readKey: 'reg:5000', readUsername: 'alice', sent: 'reg:5000' },
        { kind: 'differs', key: 'http://reg:5000', username: 'alice', readKey: 'reg:5000', readUsername: 'alice', sent: 'reg:5000' },
      ]),
    );
    expect(erasable(judgement)).toEqual([]);
    expect(group?.logoutLeaves).toEqual(['https://reg:5000/']);
  });

  it('a spelling whose login cannot be read is kept', () => {
    const judgement = judge({ ...input({ 'reg:5000': alice }), tsstoreKeys: ['reg:5000', 'http://reg:5000'] });
    expect(judgement.groups[0]?.spellings).toContainEqual({ kind: 'unreadable', key: 'http://reg:5000' });
    expect(erasable(judgement)).toEqual([]);
  });

  it('a spelling goes only where its own get would then answer the same login', () => {
    // `https://reg:5000` answers for itself; without it, it would fall to reg:5000 (bob): both stay.
    const judgement = judge(input({ 'reg:5000': bob, 'https://reg:5000': alice, 'http://reg:5000': alice }));
    expect(erasable(judgement)).toEqual([]);
    expect(judgement.groups[0]?.spellings.filter((spelling) => spelling.kind === 'differs')).toHaveLength(2);
  });

  it('Docker Hub: podman\'s docker.io with the same login goes, the CLI\'s own token entries stay', () => {
    const judgement = judge(
      input({ 'https://index.docker.io/v1/': alice, 'docker.io': alice, 'https://index.docker.io/v1/access-token': bob, 'https://index.docker.io/v1/refresh-token': bob }),
    );
    expect(erasable(judgement)).toEqual(['docker.io']);
    expect(judgement.groups[0]?.registry).toBe('https://index.docker.io/v1/');
    expect(judgement.leftovers).toEqual([]);
  });

  it('one spelling per registry, crane\'s host/repo and spellings that differ only in case are no problem', () => {
    const judgement = judge(input({ 'reg:5000': alice, 'other:5000': bob, 'reg:5000/team/app': bob, 'Reg:5000': alice }));
    expect(judgement.groups).toHaveLength(1);
    expect(judgement.groups[0]?.spellings).toEqual(
      expect.arrayContaining([
        { kind: 'read', key: 'reg:5000', sent: ['reg:5000'] },
        { kind: 'read', key: 'Reg:5000', sent: ['Reg:5000'] },
      ]),
    );
    expect(hasProblem(judgement)).toBe(false);
  });
});

describe('judge: Docker Desktop leftovers and empty auths entries', () => {
  it('Desktop tokens in tsstore go; in another helper or config.json they are reported', () => {
    const judgement = judge(
      input(
        { 'https://index.docker.io/v1//access-token': bob, 'https://index.docker.io/v1//refresh-token': bob },
        {
          config: {
            credHelpers: { 'index.docker.io': 'desktop' },
            auths: { 'https://index.docker.io/v1//access-token': {} },
          },
        },
      ),
    );
    expect(erasable(judgement)).toEqual(['https://index.docker.io/v1//access-token', 'https://index.docker.io/v1//refresh-token']);
    expect(judgement.leftovers).toContainEqual({ key: 'https://index.docker.io/v1//access-token', where: 'helper', helper: 'desktop' });
  });

  it('an entry with no secret that no store holds is removable; one tsstore answers for is not', () => {
    const config = { auths: { 'gone:5000': {}, 'mail:5000': { email: 'a@x' }, 'held:5000': {}, 'weird:5000': { username: 'u' }, 'http://alias:5000': {} }, credsStore: 'tsstore' };
    const judgement = judge(input({ 'alias:5000': alice }, { config, unheld: new Set(['gone:5000', 'mail:5000', 'weird:5000']) }));
    expect(judgement.emptyEntries).toEqual([
      { key: 'gone:5000', store: 'tsstore', leftover: false },
      { key: 'mail:5000', store: 'tsstore', leftover: false },
    ]);
  });

  it('without tsstore\'s list nothing can be said to be held nowhere', () => {
    const judgement = judge({ ...input({}), tsstoreKeys: undefined, config: { auths: { 'gone:5000': {} } }, unheld: new Set(['gone:5000']) });
    expect(judgement.emptyEntries).toEqual([]);
  });

  it('withoutEntries keeps every other key in order, a "__proto__" key as data', () => {
    const config = JSON.parse('{"auths": {"a": {}, "__proto__": {"auth": "x"}, "b": {}}, "x-keep": [1]}') as Record<string, unknown>;
    const result = withoutEntries(config, ['a']);
    expect(JSON.stringify(result)).toBe('{"auths":{"__proto__":{"auth":"x"},"b":{}},"x-keep":[1]}');
  });
});

describe('other stores', () => {
  it('spellings in config.json are reported with both usernames, never changed', () => {
    const judgement = judge(
      input({}, {
        otherLogins: [
          { key: 'reg:5000', username: 'alice', secret: 's1', store: 'config' },
          { key: 'https://reg:5000', username: 'bob', secret: 's2', store: 'config' },
        ],
      }),
    );
    expect(judgement.others).toEqual([{ store: 'config', registry: 'reg:5000', copies: [{ key: 'reg:5000', username: 'alice' }, { key: 'https://reg:5000', username: 'bob' }], readKey: 'reg:5000' }]);
    expect(erasable(judgement)).toEqual([]);
    const { details } = describeJudgement(judgement, '/h/.docker/config.json');
    expect(details[0]).toBe(
      'reg:5000: /h/.docker/config.json holds 2 spellings of this registry: reg:5000 (user alice), https://reg:5000 (user bob); docker reads reg:5000; not changed here',
    );
    expect(details.join('\n')).not.toMatch(/s1|s2/);
  });
});

describe('wording', () => {
  it('a differing login: both usernames and the commands to pick either, key on stdin, no secret', () => {
    const judgement = judge(input({ 'reg:5000': alice, 'https://reg:5000/': bob }));
    const { details } = describeJudgement(judgement, '/h/.docker/config.json');
    expect(details).toEqual([
      'reg:5000: tsstore holds 2 spellings of this registry: reg:5000, https://reg:5000/',
      '  reg:5000: docker reads it (it asks for reg:5000)',
      '  https://reg:5000/: another login (user bob) than the one docker uses (user alice, from reg:5000); both kept',
      "    to keep alice's, run: printf %s https://reg:5000/ | docker-credential-tsstore erase",
      "    to use bob's instead, run: docker login -u bob reg:5000 && printf %s https://reg:5000/ | docker-credential-tsstore erase",
      '  docker logout reg:5000 would leave https://reg:5000/ behind, and tsstore would go on answering docker with it',
    ]);
    expect(details.join('\n')).not.toMatch(/a-secret|b-secret/);
  });

  it('Docker Hub logins are picked with docker login -u USER alone', () => {
    const { details } = describeJudgement(judge(input({ 'https://index.docker.io/v1/': alice, 'docker.io': bob })), 'c');
    expect(details).toContain("    to use bob's instead, run: docker login -u bob && printf %s docker.io | docker-credential-tsstore erase");
  });

  it('a key with control characters reaches the shell as printf escapes: exact, and nothing raw on screen', () => {
    const key = 'evil\u001b]0;pwned\u0007%s\\:5000\u202e';
    expect(keyOnStdin(key)).toBe("printf 'evil\\033]0;pwned\\007%%s\\\\:5000\\342\\200\\256'");
    expect(shellArgument(key)).toBe(`"$(${keyOnStdin(key)})"`);
    // The shell gives back exactly the key's bytes.
    expect(execFileSync('sh', ['-c', keyOnStdin(key)])).toEqual(Buffer.from(key, 'utf8'));
    expect(execFileSync('sh', ['-c', `printf %s ${shellArgument(key)}`])).toEqual(Buffer.from(key, 'utf8'));
    expect(eraseCommand("it's")).toBe("printf %s 'it'\\''s' | docker-credential-tsstore erase");
    const judgement = judge(input({}, { config: { auths: { [key]: {} } }, unheld: new Set([key]) }));
    const { details } = describeJudgement(judgement, 'c');
    expect(details[0]).toContain(`(or log in again: docker login "$(printf 'evil\\033]0;pwned\\007%%s\\\\:5000\\342\\200\\256')")`);
  });
});
