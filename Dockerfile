# One image for every Agentry service; docker-compose.yml picks the entry point per container.
# Services run from TypeScript sources through @swc-node/register (keeps decorator metadata).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY . .
# Dev dependencies are only types and the formatter; install scripts are limited by allowScripts.
RUN npm ci --omit=dev --no-audit --no-fund && chown -R node:node /app
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["node", "-r", "./scripts/register.js", "gateway/src/index.ts"]
