# kube-policy-bot GitHub App server.
#   docker build -t kube-policy-bot .
#   docker run -p 3000:3000 -e APP_ID=... -e WEBHOOK_SECRET=... -e PRIVATE_KEY_PATH=/secrets/key.pem \
#     -v $PWD/key.pem:/secrets/key.pem:ro --read-only kube-policy-bot
#
# Node 24 is the current Active LTS line (Probot 14 needs ^20.18.1 || >=22).
ARG NODE_IMAGE=node:24-slim

# ---- build: install everything, compile TypeScript, then drop dev dependencies --------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` compiles, and the sources are not copied yet (also keeps dependency
# install scripts from running in the build).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: compiled app, production dependencies, shipped policies; nothing writable ------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_LEVEL=info
WORKDIR /app
# Owned by root and not writable by the `node` user that runs the app: the image works with a
# read-only root file system and nothing in it can be changed at run time.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY policies ./policies
# The image's `node` user, by number: Kubernetes can only verify runAsNonRoot for a numeric user.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/server.js"]
