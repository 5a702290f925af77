/**
 * The fast OpenPGP paths' two sets of primitives (src/backends/pgp/pgp-crypto.ts) give the same bytes:
 * libgcrypt's, run by the real bun through Bun.FFI (test/support/pgp-crypto-probe.ts), against
 * node:crypto's under Node.js, on seeded random cases. And the messages each side writes, the other
 * side and openpgp.js read.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { afterAll, describe, expect, it } from 'vitest';
import { fastDecrypt } from '../../../src/backends/pgp/fast-decrypt.js';
import { fastEncrypt } from '../../../src/backends/pgp/fast-encrypt.js';
import { PgpBackend } from '../../../src/backends/pgp/pgp-backend.js';
import { nodePgpCrypto } from '../../../src/backends/pgp/pgp-crypto-node.js';
import { type HashName, sameBytes } from '../../../src/backends/pgp/pgp-crypto.js';
import { storeKeySource } from '../../../src/unlock/store-key-source.js';
import { bunBinary } from '../../support/bun.js';
import { PROJECT_ROOT } from '../../support/helper-binary.js';
import { requireReal } from '../../support/real-components.js';

const PROBE = join(PROJECT_ROOT, 'test', 'support', 'pgp-crypto-probe.ts');
const haveLibgcrypt = ['/usr/lib/x86_64-linux-gnu/libgcrypt.so.20', '/usr/lib/aarch64-linux-gnu/libgcrypt.so.20', '/usr/lib64/libgcrypt.so.20'].some((path) => existsSync(path));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const node = nodePgpCrypto();
const attempt = (action: () => Uint8Array): string => {
  try {
    return hex(action());
  } catch {
    return 'refused';
  }
};

const dir = mkdtempSync(join(tmpdir(), 'tsstore-pgp-crypto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sameBytes', () => {
  it('is equality of bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => sameBytes(a, b) === (hex(a) === hex(b))));
    expect(sameBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
  });
});

// Without libgcrypt the probe fails: a skip locally, a failure where real components are required.
describe.skipIf(process.platform !== 'linux' || (!haveLibgcrypt && !requireReal))('libgcrypt primitives under bun', () => {
  it('agree with node:crypto byte for byte, and each side reads what the other writes', async () => {
    const seed = 1602;
    const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const aesKey = fc.constantFrom(16, 24, 32).chain((length) => fc.uint8Array({ minLength: length, maxLength: length }));
    const x25519 = fc.sample(fc.tuple(key32, key32), { numRuns: 30, seed });
    const base = Buffer.alloc(32);
    base[0] = 9;
    x25519.push([x25519[0]?.[0] ?? new Uint8Array(32), base]);
    const hashes = fc.sample(fc.tuple(fc.constantFrom<HashName>('sha1', 'sha256', 'sha384', 'sha512'), fc.uint8Array({ maxLength: 300 })), { numRuns: 40, seed });
    const wraps = fc.sample(fc.tuple(aesKey, fc.integer({ min: 2, max: 6 }).chain((blocks) => fc.uint8Array({ minLength: blocks * 8, maxLength: blocks * 8 }))), { numRuns: 30, seed });
    const cfbs = fc.sample(fc.tuple(aesKey, fc.uint8Array({ minLength: 1, maxLength: 200 })), { numRuns: 30, seed });

    const store = new PgpBackend(join(dir, 'pgp'), storeKeySource(process.env, { mayPrompt: false }));
    await store.initialize();
    const key = readFileSync(store.layout.privateKeyFile, 'utf8');
    const plaintext = JSON.stringify({ ServerURL: 'h', Username: 'u', Secret: 's\u00e9cret \u{1f600}' });
    const message = fastEncrypt(plaintext, key, 'tsstore {}', node) as string;

    const input = {
      x25519: x25519.map(([scalar, point]) => [hex(scalar), hex(point)]),
      hash: hashes.map(([name, data]) => [name, hex(data)]),
      wrap: wraps.map(([kek, plain]) => [hex(kek), hex(plain)]),
      cfb: cfbs.map(([aes, data]) => [hex(aes), hex(data)]),
      key,
      message,
      plaintext,
    };
    const { stdout } = await execa(bunBinary(), [PROBE], { input: JSON.stringify(input), timeout: 60_000 });
    const answer = JSON.parse(stdout) as Record<string, string[]> & { chosen: string; decrypted: string; encrypted: string };

    expect(answer.chosen).toBe('libgcrypt');
    expect(answer.x25519).toEqual(x25519.map(([scalar, point]) => attempt(() => node.x25519(scalar, point))));
    expect(answer.x25519).not.toContain('refused');
    expect(answer.hash).toEqual(hashes.map(([name, data]) => hex(node.hash(name, data))));
    expect(answer.wrap).toEqual(wraps.map(([kek, plain]) => hex(node.keyWrap(kek, plain))));
    expect(answer.unwrap).toEqual(wraps.map(([, plain]) => hex(plain)));
    expect(answer.unwrapDamaged).toEqual(wraps.map(() => 'refused'));
    expect(answer.cfbEncrypt).toEqual(cfbs.map(([aes, data]) => hex(node.cfb('encrypt', aes, data))));
    expect(answer.cfbDecrypt).toEqual(cfbs.map(([aes, data]) => hex(node.cfb('decrypt', aes, data))));
    expect(answer.random?.[0]).not.toBe(answer.random?.[1]);
    expect(answer.random?.[0]).toMatch(/^[0-9a-f]{64}$/);

    // What node:crypto's side wrote, libgcrypt's reads; what libgcrypt's wrote, node's and openpgp.js read.
    expect(answer.decrypted).toBe(plaintext);
    expect(fastDecrypt(answer.encrypted, key, node)).toBe(plaintext);
    const privateKey = await openpgp.readPrivateKey({ armoredKey: key });
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: answer.encrypted }), decryptionKeys: privateKey, format: 'binary' });
    expect(Buffer.from(data as Uint8Array).toString('utf8')).toBe(plaintext);
  });
});
