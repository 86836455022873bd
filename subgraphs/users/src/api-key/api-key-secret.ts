import { createHash, randomBytes } from 'node:crypto';

/** API keys look like `agy_<8 lowercase chars>_<43 chars>`; the first part is the display prefix. */
export const API_KEY_PATTERN = /^agy_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

export function newApiKeySecret() {
  const prefix = `agy_${randomBytes(6).toString('hex').slice(0, 8)}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, secret, secretHash: hashApiKey(secret) };
}

export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');
