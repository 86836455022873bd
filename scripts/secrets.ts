import { randomBytes } from 'node:crypto';
import { generateSecrets } from '@agentry/devstack';

/** `npm run secrets > .env`: fresh secrets for docker-compose (PEM keys on one line, `\n`-escaped). */
generateSecrets().then((s) => {
  const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
  console.log(`SESSION_TOKEN_SECRET=${s.sessionTokenSecret}`);
  console.log(`GATEWAY_IDENTITY_PRIVATE_KEY="${oneLine(s.identity.privateKeyPem)}"`);
  console.log(`GATEWAY_IDENTITY_PUBLIC_KEY="${oneLine(s.identity.publicKeyPem)}"`);
  // The neo4j service's password (NEO4J_AUTH) and its clients'; hex, so no shell or CLI quirks.
  console.log(`NEO4J_PASSWORD=${randomBytes(16).toString('hex')}`);
});
