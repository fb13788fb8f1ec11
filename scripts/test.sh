#!/usr/bin/env bash
# The test suite: type-check everything (tests included), then mocha on the TypeScript sources.
# Expects scripts/setup.sh to have run (the README's test command runs both).
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/tsc -p tsconfig.test.json
node_modules/.bin/mocha "$@"
