import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Role, User } from './user/user.entity';
import { grantRole } from './user/user.store';

const USAGE = 'usage: cli.ts grant-role <email> <USER|PUBLISHER|ADMIN>';

/**
 * Operator commands that no API offers (DATABASE_URL from the environment).
 *   grant-role <email> <USER|PUBLISHER|ADMIN>: ADMIN is granted only here or by the demo seed.
 */
async function main() {
  const [command, email, role] = process.argv.slice(2);
  if (command !== 'grant-role' || !email || !Object.values<string>(Role).includes(role ?? ''))
    throw new Error(USAGE);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');

  const db = new DataSource({
    type: 'postgres',
    url,
    schema: 'users',
    entities: [User],
    extra: { max: 2 },
  });
  await db.initialize();
  try {
    const granted = await grantRole(db, email, role as Role);
    if (granted === null) throw new Error(`no user with e-mail ${email}`);
    console.log(
      granted
        ? `granted ${role} to ${email}; it applies from the next sign-in`
        : `${email} already has ${role}`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
