# Acredita API server. Build: docker build -t acredita .   Run: see docker-compose.yml.
# The TypeScript runs through tsx (a runtime dependency), as `npm start` does; there is no build step.

FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The full image has python, make and g++ in case better-sqlite3 must compile instead of using its prebuilt binary.
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# The dev master key and a SQLite event store (the default EVENT_STORE_URL) live in /app/data: mount a volume there.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV HOST=0.0.0.0 PORT=4000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Same as `npx tsx src/app/cli.ts serve`, but in one process, so SIGTERM from `docker stop` reaches the server.
CMD ["node", "--import", "tsx", "src/app/cli.ts", "serve"]
