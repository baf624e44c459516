# Local stand-in for node:24-bookworm-slim, for machines that cannot pull (see containers.sh):
# the same Debian release, the Node binary the repo pins, npm, and a `node` user with uid 1000.
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
COPY npm/ /usr/local/lib/node_modules/npm/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && groupadd --gid 1000 node \
    && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
    && node --version && npm --version
CMD ["node"]
