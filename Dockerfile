FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY broker/package.json broker/
COPY agent/package.json agent/
COPY ingestor/package.json ingestor/
COPY dashboard/package.json dashboard/
COPY cli/package.json cli/
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENTRYPOINT ["node", "cli/bin/vigil.js"]
