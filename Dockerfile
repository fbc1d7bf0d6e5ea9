# syntax=docker/dockerfile:1
# Build stage: compile TypeScript and bundle the web UI (npm ci runs `prepare`: tsc, then esbuild into ui/dist), with
# the toolchain better-sqlite3 needs to build.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY . .
RUN npm ci && npm prune --omit=dev

# Runtime stage: only the compiled output, production dependencies and the example specs.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    SLOE_LISTEN=0.0.0.0:9797 \
    SLOE_DATA_DIR=/var/lib/sloe \
    SLOE_SLOS=/etc/sloe/slos
# A fixed uid/gid, so Kubernetes' runAsUser/fsGroup (deploy/kubernetes.yaml) match the owner of /var/lib/sloe.
RUN groupadd --system --gid 10001 sloe && useradd --system --uid 10001 --gid sloe --home-dir /var/lib/sloe sloe \
 && mkdir -p /var/lib/sloe /etc/sloe/slos && chown sloe:sloe /var/lib/sloe
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/ui/dist ./ui/dist
COPY --from=build /app/slo-definitions /etc/sloe/slos
USER 10001:10001
VOLUME ["/var/lib/sloe"]
EXPOSE 9797
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:9797/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "/app/bin/sloe.js"]
CMD ["serve"]
