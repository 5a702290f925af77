/**
 * Run by bun (test/backends/keyring/secret-service/gcrypt-mpi.test.ts): libgcrypt's modular
 * exponentiation through Bun.FFI (src/backends/keyring/secret-service/gcrypt-mpi.ts) on the cases given
 * on stdin as JSON ([base, exponent] in hex, modulo the session's prime), answered as JSON in hex. The
 * test computes the same with node:crypto and the BigInt fallback, under Node.js.
 */
import { readFileSync } from 'node:fs';
import { gcryptModPow } from '../../src/backends/keyring/secret-service/gcrypt-mpi.js';
import { PRIME_BYTES, createKeyPair, hexToBytes, modp1024, sharedSecret } from '../../src/backends/keyring/secret-service/dh-session.js';

const power = gcryptModPow();
if (!power) throw new Error('no libgcrypt in this bun');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const cases = JSON.parse(readFileSync(0, 'utf8')) as Array<[string, string]>;
const results = cases.map(([base, exponent]) => hex(power(hexToBytes(base), hexToBytes(exponent), modp1024(), PRIME_BYTES)));
// The session's own functions, on their default (libgcrypt) path: a key pair, and a secret with a peer of 2.
const pair = createKeyPair(hexToBytes(cases[0]?.[1] ?? '03'));
process.stdout.write(JSON.stringify({ results, publicKey: hex(pair.publicKey), secretWithTwo: hex(sharedSecret(pair, Uint8Array.of(2))) }));
