// A throwaway self-signed certificate for localhost / 127.0.0.1, made with the system openssl, for TLS tests.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';
export const haveOpenssl = existsSync(OPENSSL);

export interface TestCert {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The PEM files, until remove(). */
  readonly certFile: string;
  readonly keyFile: string;
  /** Removes the files; the buffers stay usable. */
  readonly remove: () => void;
}

/** RSA 2048, valid one day, subjectAltName DNS:localhost and IP:127.0.0.1. */
export function makeTestCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'wscompat-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    OPENSSL,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]),
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    certFile,
    keyFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
