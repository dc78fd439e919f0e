// The server secret: 32 random bytes under $DSBX_HOME/keys/server-secret (0600), created on first start.
// The sandbox derives each license's pseudonym key from it, so pseudonyms are stable per license and
// unlinkable across licenses; losing it changes every pseudonym.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { homePaths } from '../config.ts';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-file.ts';
import { KeyFileError } from './keys.ts';

export const SERVER_SECRET_BYTES = 32;

/** Returns the 32-byte server secret, creating it when missing. A file of any other size stops startup. */
export function loadOrCreateServerSecret(home: string): Buffer {
  const { keys, serverSecret } = homePaths(home);
  ensurePrivateDir(keys);
  if (!fs.existsSync(serverSecret)) writePrivateFile(serverSecret, crypto.randomBytes(SERVER_SECRET_BYTES), true);
  const secret = readPrivateFile(serverSecret);
  if (secret.length !== SERVER_SECRET_BYTES) throw new KeyFileError(serverSecret, `expected ${SERVER_SECRET_BYTES} bytes`);
  return secret;
}
