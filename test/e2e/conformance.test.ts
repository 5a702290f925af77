/**
 * Conformance: the same protocol sequences run against our built single file and the reference helper
 * `docker-credential-pass` (Debian golang-docker-credential-helpers 0.6.4, on pass and GnuPG 2.2).
 *
 * - "same answers": stdout and exit code must be equal where the two should agree (and equal to what a
 *   Docker client expects, written out here, so that both being wrong the same way still fails).
 * - "where the reference is wrong": each test shows the reference's answer AND ours, and says why ours
 *   is the right one.
 * - "differences by design": inputs no Docker client sends, where we deliberately answer differently.
 * - "found by these tests and fixed": where ours was wrong; kept so it stays fixed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { type ReferencePass, createReferencePass } from '../support/reference-pass.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const NO_SERVER_URL = 'no credentials server URL\n';
const NO_USERNAME = 'no credentials username\n';

interface Step {
  /** argv after the program name; a protocol verb in all but the argument-count cases. */
  args: string[];
  input?: string;
  /** 'exact' (default): same stdout and exit code. 'exit-code': only the exit codes must agree. */
  compare?: 'exact' | 'exit-code';
  /** What both must print (exact) or what we must print (exit-code). */
  stdout?: string | RegExp;
  exitCode: number;
}

interface Case {
  name: string;
  steps: Step[];
}

function creds(ServerURL: string, Username: string, Secret: string): string {
  return JSON.stringify({ ServerURL, Username, Secret });
}

const store = (input: string): Step => ({ args: ['store'], input, stdout: '', exitCode: 0 });
const get = (input: string, stdout: string, exitCode = 0): Step => ({ args: ['get'], input, stdout, exitCode });
const erase = (input: string): Step => ({ args: ['erase'], input, stdout: '', exitCode: 0 });
const list = (stdout: string): Step => ({ args: ['list'], input: 'unused', stdout, exitCode: 0 });
const fails = (args: string[], input: string, stdout: string): Step => ({ args, input, stdout, exitCode: 1 });
/** Both refuse the input; texts differ (ours are not Go's), ours must be one line. */
const refused = (args: string[], input: string): Step => ({ args, input, compare: 'exit-code', stdout: /^[^\n]+\n$/, exitCode: 1 });

const REGISTRY = 'registry.example.com';
const HUB = 'https://index.docker.io/v1/';
const SECRET_40K = 'k'.repeat(40 * 1024);
/** docker login without -u (CLI >= 27.2) and Docker Desktop: tokens and the personal access token. */
const HUB_WEB_LOGIN: Array<[string, string]> = [
  [`${HUB}access-token`, `eyJhbGciOiJSUzI1NiJ9.${'a'.repeat(8 * 1024)}.c2ln`],
  [`${HUB}refresh-token`, `${'r'.repeat(8 * 1024)}..client-id`],
  [HUB, `dckr_pat_${'p'.repeat(8 * 1024)}`],
  [`${HUB}/access-token`, `eyJhbGciOiJSUzI1NiJ9.${'d'.repeat(8 * 1024)}.c2ln`],
  [`${HUB}/refresh-token`, `${'s'.repeat(8 * 1024)}..desktop-id`],
];

const SAME_ANSWERS: Case[] = [
  {
    name: 'store, get, list, erase, list for a plain host (as docker keys every registry but the Hub)',
    steps: [
      store(creds(REGISTRY, 'alice', 's3cret')),
      get(REGISTRY, '{"ServerURL":"registry.example.com","Username":"alice","Secret":"s3cret"}\n'),
      list('{"registry.example.com":"alice"}\n'),
      erase(REGISTRY),
      list('{}\n'),
    ],
  },
  {
    name: "Docker Hub's key with an identity token (<token>) is stored and returned unchanged, HTML-escaped like Go",
    steps: [
      store(creds(HUB, '<token>', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln&x=<y>')),
      get(HUB, '{"ServerURL":"https://index.docker.io/v1/","Username":"\\u003ctoken\\u003e","Secret":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln\\u0026x=\\u003cy\\u003e"}\n'),
      list('{"https://index.docker.io/v1/":"\\u003ctoken\\u003e"}\n'),
      erase(HUB),
      list('{}\n'),
    ],
  },
  {
    name: 'host:port registries, IPv4 and IPv6 literals; list keys sorted by bytes',
    steps: [
      store(creds('localhost:5000', 'u1', 'p1')),
      store(creds('127.0.0.1:5000', 'u2', 'p2')),
      store(creds('[::1]:5000', 'u3', 'p3')),
      store(creds('registry.example.com:443', 'u4', 'p4')),
      get('localhost:5000', '{"ServerURL":"localhost:5000","Username":"u1","Secret":"p1"}\n'),
      get('127.0.0.1:5000', '{"ServerURL":"127.0.0.1:5000","Username":"u2","Secret":"p2"}\n'),
      get('[::1]:5000', '{"ServerURL":"[::1]:5000","Username":"u3","Secret":"p3"}\n'),
      get('registry.example.com:443', '{"ServerURL":"registry.example.com:443","Username":"u4","Secret":"p4"}\n'),
      list('{"127.0.0.1:5000":"u2","[::1]:5000":"u3","localhost:5000":"u1","registry.example.com:443":"u4"}\n'),
    ],
  },
  {
    name: 'white space around the server URL of get and erase is trimmed (Go strings.TrimSpace)',
    steps: [
      store(creds('localhost:5000', 'alice', 'pw')),
      get('  localhost:5000 \n', '{"ServerURL":"localhost:5000","Username":"alice","Secret":"pw"}\n'),
      get('\tlocalhost:5000\r\n', '{"ServerURL":"localhost:5000","Username":"alice","Secret":"pw"}\n'),
      get('\u00a0localhost:5000\u3000', '{"ServerURL":"localhost:5000","Username":"alice","Secret":"pw"}\n'),
      erase(' localhost:5000\n'),
      list('{}\n'),
    ],
  },
  {
    name: 'unicode usernames, secrets and server URLs',
    steps: [
      store(creds('registry.example.com', 'Jürgen Groß 日本 😀', 'pä55 wörd ✓ 🔑')),
      store(creds('rëgistry.例え.jp', 'ñ', 'x')),
      get('registry.example.com', '{"ServerURL":"registry.example.com","Username":"Jürgen Groß 日本 😀","Secret":"pä55 wörd ✓ 🔑"}\n'),
      get('rëgistry.例え.jp', '{"ServerURL":"rëgistry.例え.jp","Username":"ñ","Secret":"x"}\n'),
      list('{"registry.example.com":"Jürgen Groß 日本 😀","rëgistry.例え.jp":"ñ"}\n'),
    ],
  },
  {
    name: 'characters JSON and Go HTML-escape: & < > " \\ / U+2028 U+2029, tab',
    steps: [
      store(creds('amp.example', 'a&b<c>d"e\\f', 'x"y\\z&<>\u2028\u2029/\t')),
      get(
        'amp.example',
        '{"ServerURL":"amp.example","Username":"a\\u0026b\\u003cc\\u003ed\\"e\\\\f","Secret":"x\\"y\\\\z\\u0026\\u003c\\u003e\\u2028\\u2029/\\t"}\n',
      ),
      list('{"amp.example":"a\\u0026b\\u003cc\\u003ed\\"e\\\\f"}\n'),
    ],
  },
  {
    name: 'email usernames and secrets with spaces inside and around them',
    steps: [
      store(creds('quay.io', 'bot+ci@example.com', '  spaced  secret  ')),
      get('quay.io', '{"ServerURL":"quay.io","Username":"bot+ci@example.com","Secret":"  spaced  secret  "}\n'),
    ],
  },
  {
    name: 'a second store for the same server and username replaces the secret',
    steps: [
      store(creds(REGISTRY, 'alice', 'old')),
      store(creds(REGISTRY, 'alice', 'new')),
      get(REGISTRY, '{"ServerURL":"registry.example.com","Username":"alice","Secret":"new"}\n'),
      list('{"registry.example.com":"alice"}\n'),
    ],
  },
  {
    name: 'host, https://host and http://host are distinct keys; erase removes only the one asked for',
    steps: [
      store(creds('registry.example.com', 'plain', 'p1')),
      store(creds('https://registry.example.com', 'https', 'p2')),
      store(creds('http://registry.example.com', 'http', 'p3')),
      store(creds('registry.example.com:5000', 'port', 'p4')),
      get('https://registry.example.com', '{"ServerURL":"https://registry.example.com","Username":"https","Secret":"p2"}\n'),
      get('registry.example.com', '{"ServerURL":"registry.example.com","Username":"plain","Secret":"p1"}\n'),
      erase('registry.example.com'),
      list('{"http://registry.example.com":"http","https://registry.example.com":"https","registry.example.com:5000":"port"}\n'),
      get('http://registry.example.com', '{"ServerURL":"http://registry.example.com","Username":"http","Secret":"p3"}\n'),
    ],
  },
  {
    name: 'server URLs with a path, as the Hub and some registries use',
    steps: [
      store(creds('https://registry.example.com/v2/', 'u', 'p')),
      store(creds('https://index.docker.io/v1/access-token', 'u2', 'jwt')),
      get('https://registry.example.com/v2/', '{"ServerURL":"https://registry.example.com/v2/","Username":"u","Secret":"p"}\n'),
      get('https://index.docker.io/v1/access-token', '{"ServerURL":"https://index.docker.io/v1/access-token","Username":"u2","Secret":"jwt"}\n'),
      list('{"https://index.docker.io/v1/access-token":"u2","https://registry.example.com/v2/":"u"}\n'),
    ],
  },
  {
    name: "Docker Hub's web-login entries (CLI and Desktop spellings) with 8 KiB tokens: each key answers its own",
    steps: [
      ...HUB_WEB_LOGIN.map(([key, secret]) => store(creds(key, 'hubber', secret))),
      ...HUB_WEB_LOGIN.map(([key, secret]) => get(key, `${creds(key, 'hubber', secret)}\n`)),
      list(`{${HUB_WEB_LOGIN.map(([key]) => `${JSON.stringify(key)}:"hubber"`).sort().join(',')}}\n`),
    ],
  },
  {
    name: 'an explicitly empty Secret is stored and returned as ""',
    steps: [store(creds('empty-secret.example', 'u', '')), get('empty-secret.example', '{"ServerURL":"empty-secret.example","Username":"u","Secret":""}\n')],
  },
  {
    name: 'a 40 KiB secret (below the reference 64 KiB line limit) round-trips',
    steps: [store(creds('big.example', 'u', SECRET_40K)), get('big.example', `{"ServerURL":"big.example","Username":"u","Secret":"${SECRET_40K}"}\n`)],
  },
  {
    name: "store input as docker's json.Encoder sends it (trailing newline), pretty-printed, with unknown fields",
    steps: [
      store(`${creds('a.example', 'u1', 'p1')}\n`),
      store(`${JSON.stringify({ ServerURL: 'b.example', Username: 'u2', Secret: 'p2' }, null, 2)}\n`),
      store(JSON.stringify({ Extra: [1, { x: null }], ServerURL: 'c.example', Username: 'u3', Secret: 'p3', Label: 'ignored' })),
      get('b.example', '{"ServerURL":"b.example","Username":"u2","Secret":"p2"}\n'),
      list('{"a.example":"u1","b.example":"u2","c.example":"u3"}\n'),
    ],
  },
  {
    name: 'list of an empty store, and list keys sorted by UTF-8 bytes as Go sorts map keys',
    steps: [
      list('{}\n'),
      ...['ü.example', 'a.example', 'B.example', 'Z:5000', '1.example', HUB].map((server) => store(creds(server, `user-${server.length}`, 'x'))),
      list('{"1.example":"user-9","B.example":"user-9","Z:5000":"user-6","a.example":"user-9","https://index.docker.io/v1/":"user-27","ü.example":"user-9"}\n'),
    ],
  },
  {
    name: 'store without a server URL: empty, missing or null -> "no credentials server URL"',
    steps: [
      fails(['store'], creds('', 'u', 's'), NO_SERVER_URL),
      fails(['store'], JSON.stringify({ Username: 'u', Secret: 's' }), NO_SERVER_URL),
      fails(['store'], JSON.stringify({ ServerURL: null, Username: 'u', Secret: 's' }), NO_SERVER_URL),
      fails(['store'], creds('', '', 's'), NO_SERVER_URL),
      fails(['store'], '{}', NO_SERVER_URL),
      list('{}\n'),
    ],
  },
  {
    name: 'store without a username: empty, missing or null -> "no credentials username"',
    steps: [
      fails(['store'], creds('u.example', '', 's'), NO_USERNAME),
      fails(['store'], JSON.stringify({ ServerURL: 'u.example', Secret: 's' }), NO_USERNAME),
      fails(['store'], JSON.stringify({ ServerURL: 'u.example', Username: null, Secret: 's' }), NO_USERNAME),
      list('{}\n'),
    ],
  },
  {
    name: 'get and erase without a server URL (empty or white space) -> "no credentials server URL"',
    steps: [
      fails(['get'], '', NO_SERVER_URL),
      fails(['get'], ' \n\t\r\n', NO_SERVER_URL),
      fails(['erase'], '', NO_SERVER_URL),
      fails(['erase'], '   \n', NO_SERVER_URL),
    ],
  },
  {
    name: 'store input that is not credentials JSON is refused with one line on stdout, nothing stored',
    steps: [
      refused(['store'], 'garbage'),
      refused(['store'], ''),
      refused(['store'], '{'),
      refused(['store'], '{"ServerURL":"x.example","Username":"u","Secret":"s"'),
      refused(['store'], '[]'),
      refused(['store'], 'null'),
      refused(['store'], '"registry.example.com"'),
      refused(['store'], '42'),
      refused(['store'], '{"ServerURL":"x.example","Username":"u","Secret":5}'),
      refused(['store'], '{"ServerURL":1,"Username":"u","Secret":"s"}'),
      refused(['store'], '{"ServerURL":"x.example","Username":["u"],"Secret":"s"}'),
      list('{}\n'),
    ],
  },
];

/** Runs the same step against both helpers, the reference first (they do not share state). */
async function runBoth(reference: ReferencePass, ours: TemporaryHome, step: Step): Promise<{ theirs: HelperResult; mine: HelperResult }> {
  const [theirs, mine] = await Promise.all([
    reference.run(step.args, step.input ?? ''),
    runHelper(step.args, { input: step.input ?? '', env: ours.env }),
  ]);
  return { theirs, mine };
}

function describeStep(step: Step): string {
  return `${step.args.join(' ') || '(no arguments)'} <<< ${JSON.stringify((step.input ?? '').slice(0, 120))}`;
}

describe.skipIf(!haveAll(['gpg', 'gpgconf', 'pass', 'docker-credential-pass']))('conformance with docker-credential-pass 0.6.4', () => {
  let reference: ReferencePass;
  let ours: TemporaryHome;

  const oursRun = (args: string[], input = ''): Promise<HelperResult> => runHelper(args, { input, env: ours.env });
  const credentialsDir = (): string => join(ours.env.TSSTORE_HOME ?? '', 'pgp', 'credentials');

  beforeAll(async () => {
    reference = await createReferencePass();
    ours = temporaryHome('tsstore-conformance-');
    // Pin the pgp backend: these tests compare files and behaviour, whatever keyring the machine has.
    ours.env.TSSTORE_BACKEND = 'pgp';
  });

  afterAll(async () => {
    ours?.cleanup();
    await reference?.cleanup();
  });

  beforeEach(() => {
    // Every case starts with no credentials; keys (ours and the reference's gpg key) are kept.
    reference.reset();
    rmSync(credentialsDir(), { recursive: true, force: true });
  });

  describe('same answers', () => {
    for (const testCase of SAME_ANSWERS) {
      it(testCase.name, async () => {
        for (const step of testCase.steps) {
          const { theirs, mine } = await runBoth(reference, ours, step);
          const label = describeStep(step);
          if ((step.compare ?? 'exact') === 'exact') {
            expect({ stdout: mine.stdout, exitCode: mine.exitCode }, `${label}: ours vs reference`).toEqual({
              stdout: theirs.stdout,
              exitCode: theirs.exitCode,
            });
          } else {
            expect(mine.exitCode, `${label}: exit code, ours vs reference`).toBe(theirs.exitCode);
          }
          expect(mine.exitCode, `${label}: exit code`).toBe(step.exitCode);
          if (typeof step.stdout === 'string') expect(mine.stdout, `${label}: stdout`).toBe(step.stdout);
          else if (step.stdout) expect(mine.stdout, `${label}: stdout`).toMatch(step.stdout);
        }
      });
    }

    it('a wrong argument count is a usage error, exit 1, with the same text but for the name', async () => {
      for (const args of [['get', 'extra'], ['store', 'get'], ['list', '--', 'x']]) {
        const step: Step = { args, input: REGISTRY, exitCode: 1 };
        const { theirs, mine } = await runBoth(reference, ours, step);
        expect(theirs, describeStep(step)).toMatchObject({ stdout: 'Usage: docker-credential-pass <store|get|erase|list|version>\n', exitCode: 1 });
        expect(mine, describeStep(step)).toMatchObject({ stdout: 'Usage: docker-credential-tsstore <store|get|erase|list|version>\n', exitCode: 1 });
      }
    });

    it('no argument at all: both exit 1 (ours prints its help for a person, the reference one usage line)', async () => {
      const { theirs, mine } = await runBoth(reference, ours, { args: [], exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: 'Usage: docker-credential-pass <store|get|erase|list|version>\n', exitCode: 1 });
      expect(mine.exitCode).toBe(1);
      expect(mine.stdout).toMatch(/^Usage: docker-credential-tsstore\b/);
    });

    it('version: ours prints NAME (PACKAGE) VERSION as newer upstream does; the reference 0.6.4 only its version', async () => {
      const { theirs, mine } = await runBoth(reference, ours, { args: ['version'], exitCode: 0 });
      expect(theirs).toMatchObject({ stdout: '0.6.4\n', exitCode: 0 });
      expect(mine.exitCode).toBe(0);
      expect(mine.stdout).toMatch(/^docker-credential-tsstore \(\S+\) \d+\.\d+\.\d+\S*\n$/);
    });

    it('an unknown verb fails with exit 1 on both; ours says NAME: unknown action: X as newer upstream does', async () => {
      const { theirs, mine } = await runBoth(reference, ours, { args: ['bogus'], input: REGISTRY, exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: 'Unknown credential action `bogus`\n', exitCode: 1 });
      expect(mine).toMatchObject({ stdout: 'docker-credential-tsstore: unknown action: bogus\n', exitCode: 1 });
    });

    it('control characters in a secret: the same JSON value (ours writes \\b and \\f as Go >= 1.22 does; 0.6.4 wrote \\u0008, \\u000c)', async () => {
      const secret = 'a\bb\fc\u0001d\u007fe\u0000f\r\n\tg';
      await runBoth(reference, ours, store(creds('ctl.example', 'u', secret)));
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: 'ctl.example', exitCode: 0 });
      expect(theirs.exitCode).toBe(0);
      expect(mine.exitCode).toBe(0);
      const expected = { ServerURL: 'ctl.example', Username: 'u', Secret: secret };
      expect(JSON.parse(theirs.stdout)).toEqual(expected);
      expect(JSON.parse(mine.stdout)).toEqual(expected);
      // Byte-level: only the two short escapes differ; both are valid JSON for the same string.
      expect(mine.stdout).toBe(theirs.stdout.replace('\\u0008', '\\b').replace('\\u000c', '\\f'));
    });
  });

  describe('where the reference is wrong, and ours is right', () => {
    it('get of an unknown server: reference answers empty credentials with exit 0; ours the not-found line, exit 1', async () => {
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: 'unknown.example', exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: '{"ServerURL":"unknown.example","Username":"","Secret":""}\n', exitCode: 0 });
      // Ours is right: docker/cli, containers/image, oras and crane recognise exactly this text as "no
      // credentials" and go on anonymously; anything else is either a hard error (crane aborts) or, as
      // here, an empty login that is then sent to the registry. Upstream fixed this after 0.6.4
      // (pass.Get returns credentials.NewErrCredentialsNotFound()).
      expect(mine).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
    });

    it('get after erase: reference answers empty credentials with exit 0; ours the not-found line', async () => {
      for (const step of [store(creds(REGISTRY, 'alice', 'pw')), erase(REGISTRY)]) {
        const { theirs, mine } = await runBoth(reference, ours, step);
        expect(theirs.exitCode).toBe(0);
        expect(mine.exitCode).toBe(0);
      }
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: REGISTRY, exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: '{"ServerURL":"registry.example.com","Username":"","Secret":""}\n', exitCode: 0 });
      // Ours is right: after `docker logout` the registry must be treated as "not logged in", which
      // clients only do on the not-found text.
      expect(mine).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
    });

    it('get docker.io after a Docker Hub login: reference answers an empty login; ours the Hub credentials', async () => {
      await runBoth(reference, ours, store(creds(HUB, 'hubuser', 'hubpass')));
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: 'docker.io', exitCode: 0 });
      expect(theirs).toMatchObject({ stdout: '{"ServerURL":"docker.io","Username":"","Secret":""}\n', exitCode: 0 });
      // Ours is right: podman, skopeo and buildah (containers/image) ask helpers for `docker.io`, while the
      // docker CLI stores Docker Hub under https://index.docker.io/v1/; both name the same registry.
      expect(mine).toMatchObject({ stdout: '{"ServerURL":"docker.io","Username":"hubuser","Secret":"hubpass"}\n', exitCode: 0 });
      // erase never uses aliases: erasing docker.io removes nothing.
      expect(await oursRun(['erase'], 'docker.io')).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
      expect((await oursRun(['list'], 'unused')).stdout).toBe('{"https://index.docker.io/v1/":"hubuser"}\n');
    });

    it('a re-login with another username: reference keeps both and returns the alphabetically first; ours the latest', async () => {
      for (const input of [creds(REGISTRY, 'alice', 'old-secret'), creds(REGISTRY, 'bob', 'new-secret')]) {
        const { theirs, mine } = await runBoth(reference, ours, store(input));
        expect(theirs.exitCode).toBe(0);
        expect(mine.exitCode).toBe(0);
      }
      const got = await runBoth(reference, ours, { args: ['get'], input: REGISTRY, exitCode: 0 });
      // The reference stores one file per username and answers the first in directory order.
      expect(got.theirs).toMatchObject({ stdout: '{"ServerURL":"registry.example.com","Username":"alice","Secret":"old-secret"}\n', exitCode: 0 });
      // Ours is right: `docker login -u bob` replaced the login; pushing as alice afterwards is a surprise
      // (and a failure once alice's password was changed).
      expect(got.mine).toMatchObject({ stdout: '{"ServerURL":"registry.example.com","Username":"bob","Secret":"new-secret"}\n', exitCode: 0 });
      const listed = await runBoth(reference, ours, list(''));
      expect(listed.theirs.stdout).toBe('{"registry.example.com":"alice"}\n');
      expect(listed.mine.stdout).toBe('{"registry.example.com":"bob"}\n');

      // The rule is "first name in sorting order", not "the old one": zed then amy returns amy on both.
      for (const input of [creds('z.example', 'zed', 'z1'), creds('z.example', 'amy', 'a2')]) await runBoth(reference, ours, store(input));
      const sorted = await runBoth(reference, ours, { args: ['get'], input: 'z.example', exitCode: 0 });
      expect(sorted.theirs.stdout).toBe('{"ServerURL":"z.example","Username":"amy","Secret":"a2"}\n');
      expect(sorted.mine.stdout).toBe(sorted.theirs.stdout);
    });

    it('erase of an unknown server: reference prints a multi-line pass error; ours the one not-found line', async () => {
      const { theirs, mine } = await runBoth(reference, ours, { args: ['erase'], input: 'unknown.example', exitCode: 1 });
      expect(theirs.exitCode).toBe(1);
      expect(theirs.stdout).toMatch(/^exit status 1: Error: docker-credential-helpers\/dW5rbm93bi5leGFtcGxl is not in the password store\.\n\n$/);
      // Ours is right: errors are one line on stdout, and `docker logout` (which erases four spellings of
      // the address and warns only if all fail) recognises this text as "nothing stored there".
      expect(mine).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
    });

    it('after a failed store leaves an empty folder, the reference list fails for every registry; ours keeps working', async () => {
      for (const input of [creds(REGISTRY, 'alice', 'pw'), creds(HUB, 'bob', 'pw2')]) {
        const { theirs, mine } = await runBoth(reference, ours, store(input));
        expect(theirs.exitCode).toBe(0);
        expect(mine.exitCode).toBe(0);
      }
      // A store that gpg cannot complete (here: the recipient key is unknown) leaves `pass insert`'s folder
      // behind, empty.
      const failedStore = await reference.run('store', creds('fail.example', 'u', 's'), {
        PASSWORD_STORE_KEY: '0123456789ABCDEF0123456789ABCDEF01234567',
      });
      expect(failedStore.exitCode).toBe(1);
      const theirsList = await reference.run('list', 'unused');
      expect(theirsList).toMatchObject({ stdout: 'no usernames for fail.example\n', exitCode: 1 });
      // ... and get of that server is a hard error, not "not found".
      const theirsGet = await reference.run('get', 'fail.example');
      expect(theirsGet).toMatchObject({ stdout: 'no usernames for fail.example\n', exitCode: 1 });

      // Ours: a store that cannot encrypt (an unreadable extra recipient) fails and leaves nothing behind;
      // foreign files and empty folders in the credentials folder are ignored.
      const badRecipient = join(ours.env.TSSTORE_HOME ?? '', 'pgp', 'recipients', 'BROKEN.asc');
      writeFileSync(badRecipient, 'not an OpenPGP key\n', { mode: 0o600 });
      try {
        const oursFailed = await oursRun(['store'], creds('fail.example', 'u', 's'));
        expect(oursFailed.exitCode).toBe(1);
        expect(oursFailed.stdout).toMatch(/^[^\n]+\n$/);
      } finally {
        rmSync(badRecipient, { force: true });
      }
      mkdirSync(join(credentialsDir(), 'empty-folder.asc'), { mode: 0o700 });
      writeFileSync(join(credentialsDir(), 'foreign.asc'), 'not ours\n', { mode: 0o600 });
      expect(await oursRun(['list'], 'unused')).toMatchObject({
        stdout: '{"https://index.docker.io/v1/":"bob","registry.example.com":"alice"}\n',
        exitCode: 0,
      });
      expect(await oursRun(['get'], 'fail.example')).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
      expect(await oursRun(['get'], REGISTRY)).toMatchObject({
        stdout: '{"ServerURL":"registry.example.com","Username":"alice","Secret":"pw"}\n',
        exitCode: 0,
      });
    });

    it('a 64 KiB secret: reference fails (bufio.Scanner: token too long); ours stores and returns it', async () => {
      const secret = 's'.repeat(64 * 1024);
      const stored = await runBoth(reference, ours, store(creds('big.example', 'u', secret)));
      expect(stored.theirs).toMatchObject({ stdout: 'bufio.Scanner: token too long\n', exitCode: 1 });
      // Ours is right: registry tokens (OAuth/JWT, cloud identity tokens) can be large, and the input
      // limit of the protocol is the caller's, not a line-scanner's.
      expect(stored.mine).toMatchObject({ stdout: '', exitCode: 0 });
      expect(await oursRun(['get'], 'big.example')).toMatchObject({
        stdout: `{"ServerURL":"big.example","Username":"u","Secret":"${secret}"}\n`,
        exitCode: 0,
      });
    });

    it('a secret ending in newlines: reference strips them (TrimRight "\\n\\r" of pass show); ours returns it unchanged', async () => {
      await runBoth(reference, ours, store(creds('nl.example', 'u', 'line1\nline2\r\n\n')));
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: 'nl.example', exitCode: 0 });
      expect(theirs).toMatchObject({ stdout: '{"ServerURL":"nl.example","Username":"u","Secret":"line1\\nline2"}\n', exitCode: 0 });
      // Ours is right: a credential helper must return the secret it was given, byte for byte.
      expect(mine).toMatchObject({ stdout: '{"ServerURL":"nl.example","Username":"u","Secret":"line1\\nline2\\r\\n\\n"}\n', exitCode: 0 });
    });

    it('a username with a slash: reference returns the first path segment and a pass tree listing as the secret', async () => {
      await runBoth(reference, ours, store(creds('team.example', 'team/bot', 'robot-secret')));
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: 'team.example', exitCode: 0 });
      expect(theirs.exitCode).toBe(0);
      const theirCredentials = JSON.parse(theirs.stdout) as { Username: string; Secret: string };
      expect(theirCredentials.Username).toBe('team');
      expect(theirCredentials.Secret).not.toBe('robot-secret');
      expect(theirCredentials.Secret).toContain('bot'); // `pass show` of a folder prints its tree
      // Ours is right: usernames such as GitLab's group/deploy-token or robot$project+name are opaque text.
      expect(mine).toMatchObject({ stdout: '{"ServerURL":"team.example","Username":"team/bot","Secret":"robot-secret"}\n', exitCode: 0 });
      expect((await oursRun(['list'], 'unused')).stdout).toBe('{"team.example":"team/bot"}\n');
    });

    it('a long server URL: reference fails with a multi-line "File name too long"; ours stores it', async () => {
      // 8 + 63*3 + 3 + 5 characters: a valid host name; base64 of it is longer than NAME_MAX (255).
      const server = `https://${['a'.repeat(62), 'b'.repeat(62), 'c'.repeat(62)].join('.')}.io:5000`;
      const stored = await runBoth(reference, ours, store(creds(server, 'u', 'p')));
      expect(stored.theirs.exitCode).toBe(1);
      expect(stored.theirs.stdout).toContain('File name too long');
      expect(stored.theirs.stdout.split('\n').length).toBeGreaterThan(2);
      expect(stored.mine).toMatchObject({ stdout: '', exitCode: 0 });
      expect(await oursRun(['get'], server)).toMatchObject({ stdout: `${creds(server, 'u', 'p')}\n`, exitCode: 0 });
      expect((await oursRun(['list'], 'unused')).stdout).toBe(`{${JSON.stringify(server)}:"u"}\n`);
      // And the reference's get of it is a hard error instead of not-found.
      const theirsGet = await reference.run('get', server);
      expect(theirsGet.exitCode).toBe(1);
      expect(theirsGet.stdout).toMatch(/file name too long/);
    });

    it('invalid UTF-8: reference silently stores U+FFFD instead of the bytes given; ours refuses the input', async () => {
      const input = Buffer.concat([Buffer.from('{"ServerURL":"utf8.example","Username":"u'), Buffer.from([0xff]), Buffer.from('","Secret":"s"}')]);
      const theirsStore = await runHelper(['store'], { binary: 'docker-credential-pass', env: reference.env, input });
      expect(theirsStore.exitCode).toBe(0);
      expect((await reference.run('get', 'utf8.example')).stdout).toBe('{"ServerURL":"utf8.example","Username":"u\ufffd","Secret":"s"}\n');
      // Ours is right: storing a different username (or secret) than the one given is silent corruption.
      const mine = await runHelper(['store'], { env: ours.env, input });
      expect(mine.exitCode).toBe(1);
      expect(mine.stdout).toMatch(/^[^\n]*UTF-8[^\n]*\n$/);
      expect((await oursRun(['list'], 'unused')).stdout).toBe('{}\n');
    });

    it('get with a line break inside the server URL: reference joins the lines and answers for another key; ours refuses', async () => {
      await runBoth(reference, ours, store(creds('ab.example', 'u', 'p')));
      const { theirs, mine } = await runBoth(reference, ours, { args: ['get'], input: 'ab\n.example', exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: '{"ServerURL":"ab.example","Username":"u","Secret":"p"}\n', exitCode: 0 });
      // Ours is right: the input was not that server URL; a line break is never part of one.
      expect(mine.exitCode).toBe(1);
      expect(mine.stdout).toMatch(/^[^\n]+\n$/);
      expect(mine.stdout).not.toContain('"Secret"');
    });
  });

  describe('differences by design (inputs no Docker client sends)', () => {
    it('a missing Secret: reference stores an empty secret; ours refuses, so a caller bug cannot erase a password', async () => {
      const input = JSON.stringify({ ServerURL: 'nosecret.example', Username: 'u' });
      const { theirs, mine } = await runBoth(reference, ours, { args: ['store'], input, exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: '', exitCode: 0 });
      expect((await reference.run('get', 'nosecret.example')).stdout).toBe('{"ServerURL":"nosecret.example","Username":"u","Secret":""}\n');
      expect(mine).toMatchObject({ stdout: 'no credentials secret\n', exitCode: 1 });
      expect(await oursRun(['get'], 'nosecret.example')).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
    });

    it('data after the JSON object: reference stores the first value and ignores the rest; ours refuses the input', async () => {
      const input = `${creds('trail.example', 'u', 's')} ${creds('trail.example', 'other', 's2')}`;
      const { theirs, mine } = await runBoth(reference, ours, { args: ['store'], input, exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: '', exitCode: 0 });
      expect((await reference.run('get', 'trail.example')).stdout).toBe('{"ServerURL":"trail.example","Username":"u","Secret":"s"}\n');
      // Ours: the input is not one credentials object; guessing which part was meant could store the wrong login.
      expect(mine.exitCode).toBe(1);
      expect(mine.stdout).toMatch(/^[^\n]*JSON[^\n]*\n$/);
      expect((await oursRun(['list'], 'unused')).stdout).toBe('{}\n');
    });

    it('control characters in a username: reference stores them; ours refuses (list output and messages stay unambiguous)', async () => {
      const { theirs, mine } = await runBoth(reference, ours, { args: ['store'], input: creds('tab.example', 'a\tb', 's'), exitCode: 1 });
      expect(theirs).toMatchObject({ stdout: '', exitCode: 0 });
      expect(mine).toMatchObject({ stdout: 'username contains a control character\n', exitCode: 1 });
    });
  });

  describe('found by these tests and fixed', () => {
    // Go's encoding/json matches field names case-insensitively, so the reference (and every Go helper)
    // accepts {"serverurl":...}. A client that relies on that works with pass, so it must work with us.
    it('store accepts field names in any case, as Go helpers do', async () => {
      const input = JSON.stringify({ serverurl: 'case.example', USERNAME: 'u', secret: 's' });
      const { theirs, mine } = await runBoth(reference, ours, store(input));
      expect(theirs).toMatchObject({ stdout: '', exitCode: 0 });
      expect((await reference.run('get', 'case.example')).stdout).toBe('{"ServerURL":"case.example","Username":"u","Secret":"s"}\n');
      expect(mine).toMatchObject({ stdout: '', exitCode: 0 });
      expect((await oursRun(['get'], 'case.example')).stdout).toBe('{"ServerURL":"case.example","Username":"u","Secret":"s"}\n');
    });

    // DESIGN.md: "every key [list] returns must answer get" (legacy docker runs list, then get for each
    // key). get trims its input, so a ServerURL with white space around it would be a key get can never
    // reach: ours refuses it at store; the reference stores it (next test).
    it('every key list returns answers get: a server URL with white space around it is refused', async () => {
      const stored = await oursRun(['store'], creds(' padded.example ', 'u', 's'));
      expect(stored).toMatchObject({ stdout: 'server URL has white space at the start or end\n', exitCode: 1 });
      expect((await oursRun(['list'], 'unused')).stdout).toBe('{}\n');
    });

    it('the reference has the same flaw: list shows a padded key whose get answers an empty login', async () => {
      await reference.run('store', creds(' padded.example ', 'u', 's'));
      expect((await reference.run('list', 'unused')).stdout).toBe('{" padded.example ":"u"}\n');
      expect((await reference.run('get', ' padded.example ')).stdout).toBe('{"ServerURL":"padded.example","Username":"","Secret":""}\n');
    });
  });
});
