# The fleet side (broker, ingestor, dashboard, pki; the agent too, run from its sources) in one
# image, non-root. Sizes and how they were estimated without a Docker engine: docs/DEPLOY.md.
#
# Build stage: production dependencies only. better-sqlite3 is the one native module; its install
# takes a prebuilt binary when one fits and compiles otherwise, hence the compiler here and only here.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY broker/package.json broker/
COPY agent/package.json agent/
COPY ingestor/package.json ingestor/
COPY dashboard/package.json dashboard/
COPY cli/package.json cli/
# The root "prepare" script builds the agent bundle only when agent/scripts is there: not yet.
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force \
  && rm -rf node_modules/better-sqlite3/build/Release/obj* node_modules/better-sqlite3/deps node_modules/better-sqlite3/src

# Runtime stage: Node, the dependencies and the sources the fleet runs (TypeScript through tsx:
# no build step); no compiler, no tests, no benchmarks.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY package.json tsconfig.base.json tsconfig.json ./
COPY proto/package.json proto/tsconfig.json proto/
COPY proto/src proto/src
COPY broker/package.json broker/tsconfig.json broker/
COPY broker/src broker/src
COPY agent/package.json agent/tsconfig.json agent/
COPY agent/src agent/src
COPY agent/scripts/bundle.mjs agent/scripts/
COPY ingestor/package.json ingestor/tsconfig.json ingestor/
COPY ingestor/src ingestor/src
COPY dashboard/package.json dashboard/tsconfig.json dashboard/
COPY dashboard/src dashboard/src
COPY dashboard/public dashboard/public
COPY cli/package.json cli/tsconfig.json cli/
COPY cli/bin cli/bin
COPY cli/src cli/src
COPY deploy/demo deploy/demo
# The data volume starts owned by the user the processes run as (a named volume copies this).
RUN mkdir -p /data /agent && chown node:node /data /agent
USER node
VOLUME ["/data"]
EXPOSE 8883 8884 8885 8080
ENTRYPOINT ["node", "cli/bin/vigil.js"]
CMD ["--help"]
