/**
 * A tiny, valid OCI image layout built from files, for pushing with `skopeo copy oci:DIR:TAG docker://...`.
 *
 *   DIR/oci-layout                  {"imageLayoutVersion":"1.0.0"}
 *   DIR/index.json                  one manifest, tagged with org.opencontainers.image.ref.name
 *   DIR/blobs/sha256/<digest>       the manifest, the config and one gzip'd tar layer
 *
 * The tar is written here (ustar, regular files and their parent folders, owner 0, mtime 0) and gzip'd
 * with zlib, so the same files always give the same digests: tests can assert exact digests.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface ImageFile {
  /** Relative path inside the image, `/`-separated, no `..`. */
  path: string;
  content: string | Uint8Array;
  mode?: number;
}

export interface OciImageOptions {
  tag: string;
  files: readonly ImageFile[];
  architecture?: string;
  os?: string;
}

export interface OciImage {
  dir: string;
  tag: string;
  /** `oci:DIR:TAG`, the skopeo source reference. */
  reference: string;
  manifestDigest: string;
  manifestSize: number;
  configDigest: string;
  layerDigest: string;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  /** The gzip'd layer exactly as stored. */
  layer: Buffer;
}

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Writes the layout into `dir` (created if needed; must not already hold another layout). */
export function writeOciImage(dir: string, options: OciImageOptions): OciImage {
  if (dir.includes(':')) throw new Error(`an oci: directory cannot contain ':' (skopeo splits on it): ${dir}`);
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(options.tag)) throw new Error(`not a valid tag: ${options.tag}`);
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const writeBlob = (data: Buffer): { digest: string; size: number } => {
    const digest = sha256(data);
    writeFileSync(join(blobs, digest.slice('sha256:'.length)), data);
    return { digest, size: data.length };
  };

  const tar = makeTar(options.files);
  const diffId = sha256(tar);
  const layer = gzipSync(tar, { level: 9 });
  const layerBlob = writeBlob(layer);

  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture ?? 'amd64',
      os: options.os ?? 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created_by: 'tsstore test/support/oci-image.ts' }],
    }),
  );
  const configBlob = writeBlob(config);

  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configBlob.digest, size: configBlob.size },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: layerBlob.digest, size: layerBlob.size }],
    }),
  );
  const manifestBlob = writeBlob(manifest);

  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      {
        mediaType: OCI_MANIFEST,
        digest: manifestBlob.digest,
        size: manifestBlob.size,
        annotations: { 'org.opencontainers.image.ref.name': options.tag },
      },
    ],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));

  return {
    dir,
    tag: options.tag,
    reference: `oci:${dir}:${options.tag}`,
    manifestDigest: manifestBlob.digest,
    manifestSize: manifestBlob.size,
    configDigest: configBlob.digest,
    layerDigest: layerBlob.digest,
    diffId,
    layer,
  };
}

const BLOCK = 512;

/** A ustar archive of `files` plus every parent folder, sorted, owner 0:0, mtime 0. */
export function makeTar(files: readonly ImageFile[]): Buffer {
  const entries = new Map<string, { type: 'file' | 'dir'; content: Buffer; mode: number }>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (file.path === '' || parts.some((part) => part === '' || part === '.' || part === '..')) {
      throw new Error(`bad image file path: ${JSON.stringify(file.path)}`);
    }
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = `${parts.slice(0, depth).join('/')}/`;
      if (!entries.has(folder)) entries.set(folder, { type: 'dir', content: Buffer.alloc(0), mode: 0o755 });
    }
    if (entries.has(file.path)) throw new Error(`duplicate image file path: ${file.path}`);
    const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
    entries.set(file.path, { type: 'file', content, mode: file.mode ?? 0o644 });
  }
  const chunks: Buffer[] = [];
  for (const name of [...entries.keys()].sort()) {
    const entry = entries.get(name);
    if (!entry) continue;
    chunks.push(tarHeader(name, entry.type, entry.content.length, entry.mode));
    if (entry.content.length > 0) {
      chunks.push(entry.content);
      const padding = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
      chunks.push(Buffer.alloc(padding));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2)); // end of archive
  return Buffer.concat(chunks);
}

function tarHeader(name: string, type: 'file' | 'dir', size: number, mode: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`image file path longer than 100 bytes: ${name}`);
  if (size > 0o77777777777) throw new Error(`image file too large: ${name}`);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  nameBytes.copy(header, 0);
  header.write(octal(mode, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii'); // uid
  header.write(octal(0, 8), 116, 'ascii'); // gid
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(0, 12), 136, 'ascii'); // mtime
  header.write('        ', 148, 'ascii'); // checksum placeholder: eight spaces
  header.write(type === 'dir' ? '5' : '0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  header.write('root', 265, 'ascii'); // uname
  header.write('root', 297, 'ascii'); // gname
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}
