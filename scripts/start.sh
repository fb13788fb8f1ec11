#!/usr/bin/env bash
# Opens the classic Jupyter notebook (Debian's jupyter-notebook) on localhost with the Latent Lab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$(pwd)/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
[ -f .jupyter/kernels/latent-lab/kernel.json ] || { echo "start: run 'bash scripts/setup.sh' first" >&2; exit 1; }
root_flag=()
[ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)   # the classic notebook refuses root without it
exec /usr/bin/python3 -m notebook --ip=127.0.0.1 --notebook-dir=notebooks "${root_flag[@]}" "$@"
