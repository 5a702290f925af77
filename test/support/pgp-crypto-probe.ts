/**
 * Run by bun (test/backends/pgp/pgp-crypto.test.ts): the fast OpenPGP paths' primitives on their
 * libgcrypt side (src/backends/pgp/pgp-crypto-gcrypt.ts, through Bun.FFI), on the cases given on stdin as
 * JSON (hex), answered as JSON (hex). The test computes the same with node:crypto, under Node.js.
 */
import { readFileSync } from 'node:fs';
import { fastDecrypt } from '../../src/backends/pgp/fast-decrypt.js';
import { fastEncrypt } from '../../src/backends/pgp/fast-encrypt.js';
import { pgpCrypto } from '../../src/backends/pgp/pgp-crypto.js';
import { gcryptPgpCrypto } from '../../src/backends/pgp/pgp-crypto-gcrypt.js';

interface Cases {
  x25519: Array<[string, string]>;
  hash: Array<['sha1' | 'sha256' | 'sha384' | 'sha512', string]>;
  wrap: Array<[string, string]>;
  cfb: Array<[string, string]>;
  key: string;
  message: string;
  plaintext: string;
}

const crypto = gcryptPgpCrypto();
if (!crypto) throw new Error('no libgcrypt with gcry_ecc_mul_point in this bun');
const bytes = (hex: string) => Buffer.from(hex, 'hex');
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const attempt = (action: () => Uint8Array): string => {
  try {
    return hex(action());
  } catch {
    return 'refused';
  }
};
const cases = JSON.parse(readFileSync(0, 'utf8')) as Cases;
process.stdout.write(
  JSON.stringify({
    chosen: pgpCrypto().library,
    x25519: cases.x25519.map(([scalar, point]) => attempt(() => crypto.x25519(bytes(scalar), bytes(point)))),
    hash: cases.hash.map(([name, data]) => hex(crypto.hash(name, bytes(data)))),
    wrap: cases.wrap.map(([kek, plain]) => hex(crypto.keyWrap(bytes(kek), bytes(plain)))),
    unwrap: cases.wrap.map(([kek, plain]) => attempt(() => crypto.keyUnwrap(bytes(kek), crypto.keyWrap(bytes(kek), bytes(plain))))),
    unwrapDamaged: cases.wrap.map(([kek, plain]) => {
      const wrapped = crypto.keyWrap(bytes(kek), bytes(plain));
      wrapped[3] = (wrapped[3] as number) ^ 1;
      return attempt(() => crypto.keyUnwrap(bytes(kek), wrapped));
    }),
    cfbEncrypt: cases.cfb.map(([key, data]) => hex(crypto.cfb('encrypt', bytes(key), bytes(data)))),
    cfbDecrypt: cases.cfb.map(([key, data]) => hex(crypto.cfb('decrypt', bytes(key), bytes(data)))),
    random: [hex(crypto.randomBytes(32)), hex(crypto.randomBytes(32))],
    decrypted: fastDecrypt(cases.message, cases.key, crypto) ?? 'gave up',
    encrypted: fastEncrypt(cases.plaintext, cases.key, 'tsstore {"probe":1}', crypto) ?? 'gave up',
  }),
);
