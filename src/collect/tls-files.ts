// PEM files for TLS (the Hubble client's and `flowpol replay`'s), read and checked before gRPC
// sees them: gRPC throws bare OpenSSL errors ("no start line", "key values mismatch") that name
// no file, or silently ignores a CA file without certificates. Each problem here is one line
// naming the file and its flag.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

const tlsError = (file: string, flag: string, reason: string): InputError => new InputError({ file, field: flag }, reason, 'E_TLS_FILE');

function read(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw tlsError(file, flag, `cannot read it: ${(err as Error).message}`);
  }
}

/** The PEM certificates of one file, each parsed; throws when it holds none or a broken one. */
function certificates(file: string, flag: string, pem: Buffer): X509Certificate[] {
  const blocks = pem.toString('latin1').match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    const hint = /PRIVATE KEY-----/.test(pem.toString('latin1')) ? ' (it holds a private key)' : '';
    throw tlsError(file, flag, `holds no PEM certificate${hint}: expected -----BEGIN CERTIFICATE-----`);
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw tlsError(file, flag, `certificate ${i + 1} cannot be read: ${(err as Error).message}`);
    }
  });
}

/** CA bundles (PEM certificates, concatenated); null when there are none (system roots). */
export function readCaFiles(files: readonly string[], flag: string): Buffer | null {
  if (files.length === 0) return null;
  return Buffer.concat(files.map((file) => {
    const pem = read(file, flag);
    certificates(file, flag, pem);
    return Buffer.concat([pem, Buffer.from('\n')]);
  }));
}

/**
 * A certificate (chain) and its private key; throws when either is unreadable or they do not
 * match, and with `now` when the certificate is out of its validity then.
 */
export function readKeyPair(cert: { file: string; flag: string }, key: { file: string; flag: string }, now?: number): { cert: Buffer; key: Buffer } {
  const certPem = read(cert.file, cert.flag);
  const leaf = certificates(cert.file, cert.flag, certPem)[0] as X509Certificate;
  const keyPem = read(key.file, key.flag);
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (err) {
    const why = (err as Error).message.replace(/^error:[0-9A-F]+:/, '');
    throw tlsError(key.file, key.flag, `holds no readable private key (${why}): expected an unencrypted PEM private key`);
  }
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(keyObject);
  } catch {
    // a key of another type than the certificate's: no match
  }
  if (!matches) {
    throw tlsError(key.file, key.flag, `is not the private key of ${cert.flag} ${cert.file} (they do not match)`);
  }
  // A client's certificate out of its validity is refused by the server with a vague handshake error: say it here.
  if (now !== undefined && now > Date.parse(leaf.validTo)) throw tlsError(cert.file, cert.flag, `expired on ${leaf.validTo}: a server refuses it`);
  if (now !== undefined && now < Date.parse(leaf.validFrom)) throw tlsError(cert.file, cert.flag, `is not valid before ${leaf.validFrom}: a server refuses it`);
  return { cert: certPem, key: keyPem };
}
