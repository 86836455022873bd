# One image for every Agentry service; docker-compose.yml picks the entry point per container.
# Services run from TypeScript sources through @swc-node/register (keeps decorator metadata).

# The web client is built with the dev dependencies (Vite), then only its dist/ is kept.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build:web

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY . .
# Dev dependencies are only types, build tools and the formatter; install scripts are limited by
# allowScripts.
RUN npm ci --omit=dev --no-audit --no-fund && chown -R node:node /app
# The gateway serves it at / (WEB_CLIENT_DIR defaults to web-client/dist).
COPY --from=web --chown=node:node /app/web-client/dist /app/web-client/dist
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["node", "-r", "./scripts/register.js", "gateway/src/index.ts"]
