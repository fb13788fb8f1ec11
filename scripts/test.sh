#!/usr/bin/env bash
# The test suite: type-check everything (tests included), then mocha on the TypeScript sources.
# Expects scripts/setup.sh to have run (the README's test command runs both).
#
# A full run (no arguments) starts the lecture notebooks at once, beside mocha: they take the longest and need
# only the build, while most of the suite leaves a core idle. test/notebooks.test.ts waits for that run (and
# runs the notebooks itself when mocha is started any other way); the tests after it read its executed copies.
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/tsc -p tsconfig.test.json
if [ $# -eq 0 ]; then
  run=build/notebook-run
  mkdir -p build
  rm -f "$run.status" "$run.status.part" "$run.log"
  rm -rf build/lectures/instructor/executed
  touch "$run.started"
  # its own process group, so that an interrupted suite stops the notebooks' kernels too
  setsid bash -c '/usr/bin/python3 tools/run_notebooks.py --instructor build/lectures/instructor/executed > "$1.log" 2>&1; echo $? > "$1.status.part"; mv "$1.status.part" "$1.status"' _ "$run" &
  notebooks=$!
  trap 'kill -- -"$notebooks" 2>/dev/null || true' EXIT
  export LATENT_NOTEBOOK_RUN="$PWD/$run"
  # the notebooks' kernels take the cores (one thread each: run_notebooks.py divides them among its jobs);
  # mocha's own kernels on every core as well would oversubscribe them, so it computes on one thread
  export LATENT_THREADS="${LATENT_THREADS:-1}"
fi
node_modules/.bin/mocha "$@"
