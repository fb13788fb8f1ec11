#!/usr/bin/env bash
# Opens JupyterLab 4 (from the project's .venv/, installed by scripts/setup.sh) on 127.0.0.1 with a token,
# notebooks/ as its folder and the Latent Lab kernel. JupyterLab prints the URL to open (with the token).
#   npm start                     # JupyterLab
#   npm start -- --classic        # Debian's classic notebook (Notebook 6) instead
#   npm start -- --port=9999      # any other option goes to the Jupyter server
set -euo pipefail
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$(pwd)/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
# the project's server settings (scripts/jupyter-config/jupyter_server_config.py: Notebook 7's MathJax fonts)
export JUPYTER_CONFIG_PATH="$(pwd)/scripts/jupyter-config${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
[ -f .jupyter/kernels/latent-lab/kernel.json ] || { echo "start: run 'bash scripts/setup.sh' first" >&2; exit 1; }
classic=0
args=()
for arg in "$@"; do
  if [ "$arg" = "--classic" ]; then classic=1; else args+=("$arg"); fi
done
root_flag=()
[ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)   # Jupyter refuses root without it
if [ "$classic" -eq 1 ]; then
  exec /usr/bin/python3 -m notebook --ip=127.0.0.1 --notebook-dir=notebooks "${root_flag[@]}" ${args[@]+"${args[@]}"}
fi
if [ ! -x .venv/bin/jupyter-lab ]; then
  echo "start: JupyterLab is not installed in .venv/: run 'bash scripts/setup.sh' (see build/pip-install.log)," >&2
  echo "start: or use Debian's classic notebook: npm start -- --classic" >&2
  exit 1
fi
# The server generates a random token and prints the URL with it.
exec .venv/bin/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=notebooks "${root_flag[@]}" ${args[@]+"${args[@]}"}
