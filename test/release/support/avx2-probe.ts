/**
 * The smallest Linux x86-64 executable that needs AVX2: one `vpxor ymm0, ymm0, ymm0` (a 256-bit integer
 * operation, AVX2 and not AVX), then exit(0). Written byte by byte so the test that runs the release file
 * under a CPU model without AVX2 can show that model really kills an AVX2 instruction with SIGILL, with
 * no compiler and nothing fetched. Pure: it returns the file's bytes.
 */
const LOAD_ADDRESS = 0x400000n;
const ELF_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;

const CODE = Uint8Array.of(
  0xc5, 0xfd, 0xef, 0xc0, // vpxor ymm0, ymm0, ymm0 (VEX.256.66.0F EF)
  0xb8, 0x3c, 0x00, 0x00, 0x00, // mov eax, 60 (exit)
  0x31, 0xff, // xor edi, edi (status 0)
  0x0f, 0x05, // syscall
);

export function avx2ProbeExecutable(): Uint8Array {
  const codeOffset = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE;
  const size = codeOffset + CODE.length;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  // e_ident: \x7fELF, 64-bit, little endian, ELF version 1, System V ABI.
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  view.setUint16(16, 2, true); // e_type: ET_EXEC
  view.setUint16(18, 62, true); // e_machine: EM_X86_64
  view.setUint32(20, 1, true); // e_version
  view.setBigUint64(24, LOAD_ADDRESS + BigInt(codeOffset), true); // e_entry
  view.setBigUint64(32, BigInt(ELF_HEADER_SIZE), true); // e_phoff
  view.setUint16(52, ELF_HEADER_SIZE, true); // e_ehsize
  view.setUint16(54, PROGRAM_HEADER_SIZE, true); // e_phentsize
  view.setUint16(56, 1, true); // e_phnum
  // The one PT_LOAD: the whole file, readable and executable, at LOAD_ADDRESS.
  const ph = ELF_HEADER_SIZE;
  view.setUint32(ph, 1, true); // p_type: PT_LOAD
  view.setUint32(ph + 4, 5, true); // p_flags: PF_R | PF_X
  view.setBigUint64(ph + 16, LOAD_ADDRESS, true); // p_vaddr
  view.setBigUint64(ph + 24, LOAD_ADDRESS, true); // p_paddr
  view.setBigUint64(ph + 32, BigInt(size), true); // p_filesz
  view.setBigUint64(ph + 40, BigInt(size), true); // p_memsz
  view.setBigUint64(ph + 48, 0x1000n, true); // p_align
  bytes.set(CODE, codeOffset);
  return bytes;
}
