/**
 * libgcrypt (the library gnome-keyring and libsecret use for this same session) through Bun.FFI, opened
 * once per process with every symbol the session needs: AES-128-CBC (gcrypt-aes.ts) and the modular
 * exponentiation of the Diffie-Hellman (gcrypt-mpi.ts). Only in the bun single file on Linux; undefined
 * wherever it cannot be loaded (no Bun.FFI, no libgcrypt.so.20), and the callers fall back to Web
 * Crypto and BigInt.
 *
 * One dlopen for both: bun compiles a small trampoline per symbol on each dlopen, and the library's own
 * load and gcry_check_version are paid once. Measured under bun (valgrind): dlopen and check_version
 * with the cipher's seven symbols 0.41 M instructions, with the MPI's five more 0.50 M.
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
}

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
    const { symbols } = ffi.dlopen('libgcrypt.so.20', {
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
    });
    // Required before any other call: it initialises the library (no secure memory, no RNG is used).
    return symbols.gcry_check_version(null) ? symbols : null;
  } catch {
    return null; // not installed, too old for a symbol, or FFI refused: Web Crypto and BigInt do it
  }
}
