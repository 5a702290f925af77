/**
 * The session's modular exponentiation (base^exponent mod modulus, all big-endian unsigned bytes) from
 * libgcrypt's MPI (src/runtime/libgcrypt.ts), for the bun single file on Linux; dh-session.ts's BigInt one is the
 * fallback and gives the same bytes (test/backends/keyring/secret-service/dh-session.test.ts).
 *
 * Why: in the single file's interpreter BigInt's 1024-bit arithmetic took 5.4 M of a keyring `get`'s
 * 23 M instructions (the public key 2.6 M, the shared secret 2.8 M) and, allocating a new BigInt per
 * step, enough heap to start JavaScriptCore's warm-up thread (170 page faults). libgcrypt's powm takes
 * 2.2 M per exponentiation, so few instructions are saved: the page faults are what pays. Figures:
 * dh-session.ts.
 */
import { libgcrypt } from '../../../runtime/libgcrypt.js';

/** base^exponent mod modulus, left-padded with zeros to `length` bytes (at least the modulus's). */
export type ModPow = (base: Uint8Array, exponent: Uint8Array, modulus: Uint8Array, length: number) => Uint8Array;

const GCRYMPI_FMT_USG = 5; // unsigned, big-endian, no length prefix

let loaded: ModPow | null | undefined;

/** libgcrypt's modular exponentiation, loaded once; undefined when this process cannot have it. */
export function gcryptModPow(): ModPow | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

export class ModPowError extends Error {
  override readonly name = 'ModPowError';
}

function load(): ModPow | null {
  const c = libgcrypt();
  if (!c) return null;
  const slot = new BigUint64Array(1);
  const scan = (bytes: Uint8Array): bigint => {
    slot[0] = 0n;
    if (c.gcry_mpi_scan(slot, GCRYMPI_FMT_USG, bytes, bytes.length, null) !== 0) throw new ModPowError('libgcrypt refused a number');
    return slot[0];
  };
  return (base, exponent, modulus, length) => {
    const numbers: bigint[] = [];
    try {
      const b = scan(base);
      numbers.push(b);
      const e = scan(exponent);
      numbers.push(e);
      const m = scan(modulus);
      numbers.push(m);
      const result = c.gcry_mpi_new(0);
      numbers.push(result);
      c.gcry_mpi_powm(result, b, e, m);
      // USG prints the minimum bytes (none for zero): right-aligned in `length`, as the session pads.
      const printed = new Uint8Array(length);
      const written = new BigUint64Array(1);
      if (c.gcry_mpi_print(GCRYMPI_FMT_USG, printed, length, written, result) !== 0) throw new ModPowError('the result does not fit');
      const count = Number(written[0]);
      if (count === length) return printed;
      const padded = new Uint8Array(length);
      padded.set(printed.subarray(0, count), length - count);
      printed.fill(0);
      return padded;
    } finally {
      for (const number of numbers) c.gcry_mpi_release(number);
    }
  };
}
