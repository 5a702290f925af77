/**
 * libgcrypt (the library GnuPG, gnome-keyring and libsecret use) through Bun.FFI, opened once per
 * process with every symbol tsstore uses: the keyring session's AES-128-CBC and Diffie-Hellman
 * (src/backends/keyring/secret-service/gcrypt-aes.ts, gcrypt-mpi.ts) and the pgp store's X25519, AES and
 * hashes (src/backends/pgp/pgp-crypto-gcrypt.ts). Only in the bun single file on Linux; undefined
 * wherever it cannot be loaded (no Bun.FFI, no libgcrypt.so.20), and the callers fall back to Web Crypto,
 * BigInt and node:crypto.
 *
 * One dlopen for all: bun compiles a small trampoline per symbol on each dlopen, and the library's own
 * load and gcry_check_version are paid once. Measured under bun (valgrind): dlopen and check_version
 * with the cipher's seven symbols 0.41 M instructions, with the MPI's five more 0.50 M.
 * gcry_ecc_mul_point is libgcrypt 1.9's (2021): an older one is opened without it, and the pgp store
 * uses node:crypto there.
 */

/** The part of Bun.FFI used here (the project is typed against Node.js only). */
interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): { symbols: GcryptSymbols };
}

/** gcrypt.h's declarations, as bun passes them: pointers are typed arrays (their data) or u64 handles. */
export interface GcryptSymbols {
  gcry_check_version(required: null): unknown;
  gcry_cipher_open(handle: BigUint64Array, algorithm: number, mode: number, flags: number): number;
  gcry_cipher_setkey(handle: bigint, key: Uint8Array, length: number): number;
  gcry_cipher_setiv(handle: bigint, iv: Uint8Array, length: number): number;
  gcry_cipher_encrypt(handle: bigint, out: Uint8Array, outLength: number, input: Uint8Array, inLength: number): number;
  gcry_cipher_decrypt(handle: bigint, out: Uint8Array, outLength: number, input: Uint8Array, inLength: number): number;
  gcry_cipher_close(handle: bigint): void;
  /** gcry_error_t gcry_mpi_scan (gcry_mpi_t *ret_mpi, enum gcry_mpi_format format, const void *buffer, size_t buflen, size_t *nscanned) */
  gcry_mpi_scan(into: BigUint64Array, format: number, buffer: Uint8Array, length: number, scanned: null): number;
  /** gcry_mpi_t gcry_mpi_new (unsigned int nbits) */
  gcry_mpi_new(bits: number): bigint;
  /** void gcry_mpi_powm (gcry_mpi_t w, const gcry_mpi_t b, const gcry_mpi_t e, const gcry_mpi_t m) */
  gcry_mpi_powm(result: bigint, base: bigint, exponent: bigint, modulus: bigint): void;
  /** gcry_error_t gcry_mpi_print (enum gcry_mpi_format format, unsigned char *buffer, size_t buflen, size_t *nwritten, const gcry_mpi_t a) */
  gcry_mpi_print(format: number, buffer: Uint8Array, length: number, written: BigUint64Array, value: bigint): number;
  /** void gcry_mpi_release (gcry_mpi_t a) */
  gcry_mpi_release(value: bigint): void;
  /** void gcry_md_hash_buffer (int algo, void *digest, const void *buffer, size_t length) */
  gcry_md_hash_buffer(algorithm: number, digest: Uint8Array, buffer: Uint8Array, length: number): void;
  /** gpg_error_t gcry_ecc_mul_point (int curveid, unsigned char *result, const unsigned char *scalar, const unsigned char *point): libgcrypt >= 1.9 */
  gcry_ecc_mul_point?: (curve: number, result: Uint8Array, scalar: Uint8Array, point: Uint8Array) => number;
}

type Symbols = Record<string, { args: string[]; returns: string }>;

const SYMBOLS: Symbols = {
  gcry_check_version: { args: ['ptr'], returns: 'ptr' },
  gcry_cipher_open: { args: ['ptr', 'i32', 'i32', 'u32'], returns: 'u32' },
  gcry_cipher_setkey: { args: ['u64', 'ptr', 'u64'], returns: 'u32' },
  gcry_cipher_setiv: { args: ['u64', 'ptr', 'u64'], returns: 'u32' },
  gcry_cipher_encrypt: { args: ['u64', 'ptr', 'u64', 'ptr', 'u64'], returns: 'u32' },
  gcry_cipher_decrypt: { args: ['u64', 'ptr', 'u64', 'ptr', 'u64'], returns: 'u32' },
  gcry_cipher_close: { args: ['u64'], returns: 'void' },
  gcry_mpi_scan: { args: ['ptr', 'i32', 'ptr', 'u64', 'ptr'], returns: 'u32' },
  gcry_mpi_new: { args: ['u32'], returns: 'u64' },
  gcry_mpi_powm: { args: ['u64', 'u64', 'u64', 'u64'], returns: 'void' },
  gcry_mpi_print: { args: ['i32', 'ptr', 'u64', 'ptr', 'u64'], returns: 'u32' },
  gcry_mpi_release: { args: ['u64'], returns: 'void' },
  gcry_md_hash_buffer: { args: ['i32', 'ptr', 'ptr', 'u64'], returns: 'void' },
  gcry_ecc_mul_point: { args: ['i32', 'ptr', 'ptr', 'ptr'], returns: 'u32' },
};

let loaded: GcryptSymbols | null | undefined;

/** libgcrypt's symbols, loaded once; undefined when this process cannot have them. */
export function libgcrypt(): GcryptSymbols | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

function load(): GcryptSymbols | null {
  const ffi = (globalThis as { Bun?: { FFI?: BunFfi } }).Bun?.FFI;
  if (process.platform !== 'linux' || !ffi) return null;
  try {
    return opened(ffi, SYMBOLS);
  } catch {
    // not installed, too old for gcry_ecc_mul_point (tried again without it), or FFI refused
  }
  const withoutEcc = { ...SYMBOLS };
  delete withoutEcc.gcry_ecc_mul_point;
  try {
    return opened(ffi, withoutEcc);
  } catch {
    return null; // Web Crypto, BigInt and node:crypto do it
  }
}

function opened(ffi: BunFfi, symbols: Symbols): GcryptSymbols | null {
  const { symbols: c } = ffi.dlopen('libgcrypt.so.20', symbols);
  // Required before any other call: it initialises the library (no secure memory, no RNG is used).
  return c.gcry_check_version(null) ? c : null;
}
