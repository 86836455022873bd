import { loadGatewayEnv } from './env';
import { createGateway } from './server';

async function main() {
  const gateway = await createGateway(loadGatewayEnv());
  const running = await gateway.listen();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
