# syntax=docker/dockerfile:1
# SLO Engine recommendation API (apps/api), port 8000.
#
#   docker build -f infra/docker/api.Dockerfile -t slo-engine-api .        # from the repository root
#   docker run -p 8000:8000 -e DATABASE_URL=postgres://… slo-engine-api
#
# Stages: `build` installs the whole workspace from the lockfile, compiles it and `pnpm deploy`s the
# app with its production dependencies only into /out; `runtime` is a fresh slim image holding /out
# and nothing else (no sources, no compiler, no test tools, no pnpm).

# The tag follows Node 20's security releases on rebuild; pin a digest (node:20-bookworm-slim@sha256:…)
# where builds must be bit-for-bit reproducible.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
# The version of package.json's `packageManager`: pnpm 10 would otherwise download that version at
# its first command. npm, not corepack, so the build does not depend on corepack's signing keys.
ARG PNPM_VERSION=10.34.9
RUN npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
ENV CI=true

FROM base AS build
WORKDIR /repo
# Dependencies first, from the lockfile alone: this layer is rebuilt only when the lockfile changes,
# not on every source edit.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --frozen-lockfile
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build
# pnpm 10 deploys from a shared lockfile only with injected workspace packages; setting it here (not
# in .npmrc) keeps local installs symlinked. The result resolves exactly the lockfile's versions.
# The app's package.json has no `files` list, so deploy copies its sources and tests too: drop them.
RUN pnpm --config.inject-workspace-packages=true deploy --offline --prod \
      --filter @slo-engine/api /out \
 && rm -rf /out/src /out/test /out/jest.config.js /out/tsconfig.json /out/tsconfig.build.json \
      /out/dist/.tsbuildinfo

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node (which drains and closes the database) and reaps the
# children of embedded mode's PostgreSQL. Without it, run the container with `docker run --init`.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 slo-engine \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin slo-engine
WORKDIR /app
# Owned by root and read-only to the app: a compromised process cannot rewrite its own code.
COPY --from=build /out /app
COPY infra/docker/healthcheck.cjs /usr/local/lib/slo-engine/healthcheck.cjs
# The only writable place: embedded mode's PostgreSQL (no DATABASE_URL) keeps its data here.
RUN mkdir -p /app/.data && chown 10001:10001 /app/.data
ENV NODE_ENV=production \
    PORT=8000
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/usr/local/lib/slo-engine/healthcheck.cjs", "/api/v1/health", "8000"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
