import 'reflect-metadata';
import { Client } from 'pg';

/**
 * Operator commands that no API offers (ADMIN is granted only here or by the demo seed).
 *   grant-role <email> <USER|PUBLISHER|ADMIN>

 */
async function main() {
  const [command, ...args] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    if (command === 'grant-role') {
      const [email, role] = args;
      if (!email || !['USER', 'PUBLISHER', 'ADMIN'].includes(role ?? ''))
        throw new Error('usage: grant-role <email> <USER|PUBLISHER|ADMIN>');
      const r = await db.query(
        `UPDATE users.users SET roles = array_append(roles, $2), updated_at = now() WHERE email = lower($1) AND NOT ($2 = ANY(roles)) RETURNING id`,
        [email, role],
      );
      const exists = await db.query('SELECT 1 FROM users.users WHERE email = lower($1)', [email]);
      if (!exists.rowCount) throw new Error(`no user with e-mail ${email}`);
      console.log(
        r.rowCount
          ? `granted ${role} to ${email}; it applies from the next sign-in`
          : `${email} already has ${role}`,
      );
    } else {
      throw new Error('usage: cli.ts grant-role <email> <ROLE>');
    }
  } finally {
    await db.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
