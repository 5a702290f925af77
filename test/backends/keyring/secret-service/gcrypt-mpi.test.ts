/**
 * libgcrypt's modular exponentiation (gcrypt-mpi.ts, the single file's), run by the real bun through
 * Bun.FFI, gives the bytes node:crypto's Diffie-Hellman and the BigInt fallback give: random bases and
 * exponents (seeded), the edge cases of the padding (results with leading zero bytes), and the session's
 * own key pair and shared secret on that path.
 */
import * as nodeCrypto from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigIntModPow, bigIntToBytes, bytesToBigInt, modp1024 } from '../../../../src/backends/keyring/secret-service/dh-session.js';
import { bunBinary } from '../../../support/bun.js';
import { PROJECT_ROOT } from '../../../support/helper-binary.js';
import { requireReal } from '../../../support/real-components.js';

const PROBE = join(PROJECT_ROOT, 'test', 'support', 'gcrypt-mpi-probe.ts');
const PRIME = Buffer.from(modp1024());
const P = bytesToBigInt(modp1024());
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const haveLibgcrypt = ['/usr/lib/x86_64-linux-gnu/libgcrypt.so.20', '/usr/lib/aarch64-linux-gnu/libgcrypt.so.20', '/usr/lib64/libgcrypt.so.20'].some((path) => existsSync(path));

// Without libgcrypt the probe fails: a skip locally, a failure where real components are required.
describe.skipIf(process.platform !== 'linux' || (!haveLibgcrypt && !requireReal))('libgcrypt modular exponentiation under bun', () => {
  it('agrees with node:crypto and the BigInt fallback, byte for byte', async () => {
    const random = fc.sample(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 128 }), fc.uint8Array({ minLength: 1, maxLength: 40 })), { numRuns: 80, seed: 16 });
    const cases: Array<[Uint8Array, Uint8Array]> = [
      [Uint8Array.of(2), Uint8Array.of(3)], // 8: 127 leading zero bytes
      [Uint8Array.of(2), Uint8Array.of(0x03, 0xf8)], // 2^1016: one leading zero byte
      [bigIntToBytes(P - 2n, 128), Uint8Array.of(2)],
      [Uint8Array.of(0, 0, 7), Uint8Array.of(0, 5)], // leading zeros in the input
      ...random.map(([base, exponent]): [Uint8Array, Uint8Array] => [bigIntToBytes(bytesToBigInt(base) % (P - 3n) + 2n, 128), exponent]).filter(([, exponent]) => bytesToBigInt(exponent) >= 2n),
    ];
    const { stdout } = await execa(bunBinary(), [PROBE], { input: JSON.stringify(cases.map(([base, exponent]) => [hex(base), hex(exponent)])), timeout: 60_000 });
    const answer = JSON.parse(stdout) as { results: string[]; publicKey: string; secretWithTwo: string };
    const reference = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    expect(answer.results).toHaveLength(cases.length);
    cases.forEach(([base, exponent], index) => {
      reference.setPrivateKey(Buffer.from(exponent));
      const expected = reference.computeSecret(Buffer.from(base)).toString('hex');
      expect(answer.results[index], `case ${index}`).toBe(expected);
      expect(hex(bigIntModPow(base, exponent, modp1024(), 128)), `case ${index}`).toBe(expected);
    });
    // The session's functions on their libgcrypt path: 2^3 and, with the peer key 2, 2^3 again.
    expect(answer.publicKey).toBe(`${'00'.repeat(127)}08`);
    expect(answer.secretWithTwo).toBe(`${'00'.repeat(127)}08`);
  });
});
