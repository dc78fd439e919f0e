# dsbx service image: Node 20 on Debian bookworm, runs as the unprivileged `node` user, keeps all state
# (keys, domain, lineage) in the /data volume. `.ci/run` performs the same install and smoke outside Docker.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    DSBX_HOME=/data \
    HOST=0.0.0.0 \
    PORT=8787 \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app

# Dependencies first, from the lockfile only, so that source changes do not invalidate this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY sandbox ./sandbox
COPY datasets ./datasets
COPY policies ./policies

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787

# node, not curl: the slim image has no curl, and one fewer binary is one fewer thing to patch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["node", "bin/dsbx.js", "start"]
