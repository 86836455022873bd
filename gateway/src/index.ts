import { exitOnShutdown } from '@agentry/core';
import { loadGatewayEnv } from './env';
import { createGateway } from './server';

async function main() {
  const gateway = await createGateway(loadGatewayEnv());
  const running = await gateway.listen();
  exitOnShutdown(
    async (reason) => {
      gateway.log.info({ reason }, 'stopping');
      await running.stop();
    },
    { onError: (err) => gateway.log.error({ err }, 'stop failed') },
  );
}

main().catch((err) => {
  console.error(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
