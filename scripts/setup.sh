#!/usr/bin/env bash
# Sets up Latent Lab on Debian with Node 20: system packages (as root, through apt), npm packages,
# the build, the Jupyter kernel in the project's own .jupyter folder, and JupyterLab 4 / Notebook 7 in
# the project's own virtual environment (.venv/, for `npm start`). Safe and quick to re-run.
#   bash scripts/setup.sh              # kernel registered for this project only (JUPYTER_PATH=.jupyter)
#   bash scripts/setup.sh --user-kernel  # also register it in the user's global Jupyter kernels
#   bash scripts/setup.sh --tfjs-node    # also build tfjs-node against the machine's TensorFlow (LATENT_BACKEND=node)
#   bash scripts/setup.sh --tfjs-node-gpu  # tfjs-node-gpu against the CUDA build of TensorFlow (environment.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
USER_KERNEL=0
TFJS_NODE=()
for arg in "$@"; do
  case "$arg" in
    --user-kernel) USER_KERNEL=1 ;;
    --tfjs-node) TFJS_NODE+=(node) ;;
    --tfjs-node-gpu) TFJS_NODE+=(node-gpu) ;;
    *) echo "setup: unknown option '$arg' (known: --user-kernel, --tfjs-node, --tfjs-node-gpu)" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }

# --- 1. System packages --------------------------------------------------------------------------
# Jupyter from Debian (PyPI is not reachable); they run on /usr/bin/python3.
# dataset-fashion-mnist: real IDX files for the IDX reader (and full-size runs).
# chromium: the browser check of executed notebooks (driven by playwright-core, never downloaded).
# libopenblas-dev: the native matmul kernels (native/), built below with node-gyp.
# libdnnl-dev: oneDNN, the native convolution kernels (native/conv.c); without it they are left out of the build.
# python3-venv: the project's .venv/ with JupyterLab 4 and Notebook 7 (step 6).
# jupyterhub, node-configurable-http-proxy: a class on one server (scripts/hub.sh; not on PyPI's local index).
# bubblewrap: the box each homework submission's kernel runs in while grading (tools/sandbox.py).
APT_PACKAGES=(jupyter-client jupyter-nbconvert python3-nbclient jupyter-notebook python3-jupyter-kernel-test chromium dataset-fashion-mnist libopenblas-dev libdnnl-dev python3-venv jupyterhub node-configurable-http-proxy bubblewrap)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    if ! command -v apt-get >/dev/null; then
      echo "setup: this system has no apt-get; install Jupyter (jupyter_client, nbclient, nbconvert, notebook, jupyter_kernel_test) for /usr/bin/python3 and Chromium at /usr/bin/chromium another way." >&2
    else
      echo "setup: run as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    fi
    exit 1
  fi
fi

command -v node >/dev/null || { echo "setup: Node.js 20 or newer is required (node not found)" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "setup: Node.js 20 or newer is required (found $(node --version))" >&2; exit 1; }

# --- 2. npm packages (skipped when package-lock.json and patches/ have not changed since the last install)
stamp=node_modules/.latent-lab-lock.sha256
# patches/ (applied by patch-package after install) counts as part of the lock.
lock_hash=$(cat package-lock.json patches/*.patch | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
# The package imports itself by name ("latent-lab") from notebooks and tests.
ln -sfn .. node_modules/latent-lab

# --- 3. Build ---------------------------------------------------------------------------------------
say "building (tsc)"
node_modules/.bin/tsc -p tsconfig.json

# --- 4. Native BLAS kernels (optional: without them the library uses the stock tfjs kernels) -------
native_hash=$(cat native/*.c native/*.cc native/*.h native/binding.gyp | sha256sum | cut -d' ' -f1)
native_stamp=native/build/.latent-lab-source.sha256
if [ ! -f native/build/Release/latent_blas.node ] || [ ! -f native/build/Release/latent_memory.node ] || [ "$(cat "$native_stamp" 2>/dev/null)" != "$native_hash" ]; then
  node_prefix=$(dirname "$(dirname "$(node -p 'process.execPath')")")
  nodedir_flag=()
  [ -f "$node_prefix/include/node/node_api.h" ] && nodedir_flag=(--nodedir="$node_prefix")
  mkdir -p build
  if node_modules/.bin/node-gyp rebuild "${nodedir_flag[@]}" -C native > build/native-build.log 2>&1; then
    echo "$native_hash" > "$native_stamp"
    say "built the native BLAS kernels and the kernel's memory addon (native/build/Release/latent_blas.node, latent_memory.node)"
  else
    echo "setup: warning: the native BLAS kernels did not build (see build/native-build.log; they need g++, make and libopenblas-dev); Latent Lab will use the stock TensorFlow.js kernels" >&2
  fi
fi

# --- 4b. tfjs-node (opt-in: ~1.1 GB and ~1.5 min cold; slower than the default on most course models) -----
# scripts/tfjs-node.sh builds it against the TensorFlow wheel from pip's index; when that is not reachable
# setup says so and goes on (the library runs on wasm as before).
for variant in "${TFJS_NODE[@]}"; do
  set +e
  bash scripts/tfjs-node.sh "$variant"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "setup: warning: tfjs-$variant was not built (see above); LATENT_BACKEND=$variant will fail, the default backend is unaffected" >&2
  fi
done

# --- 5. Jupyter kernel ------------------------------------------------------------------------------
node dist/kernel/install.js
if [ "$USER_KERNEL" -eq 1 ]; then node dist/kernel/install.js --user; fi
# The kernel compiler's V8 startup snapshot (kernel/compiler-snapshot.ts; ~5 s of CPU, once per version):
# built here so that no kernel builds it, and not each user of a read-only install into their own cache.
# Without it kernels use the compiler thread (slower to start) and the first one builds it in the background.
node dist/kernel/compiler-snapshot.js || echo "setup: warning: the kernel's compiler snapshot was not built (see above); kernels start their compiler the slower way" >&2
# --- 6. JupyterLab 4 and Notebook 7 in .venv/ (optional: without them `npm start -- --classic` still works)
# pip uses the machine's package index (pip's own configuration); skipped when the stamp shows the same
# requirements already installed into the same Python.
# plotly: its JupyterLab/Notebook 7 renderer draws the library's plotly figures interactively (else their PNG shows).
JUPYTER_REQUIREMENTS=('jupyterlab==4.6.*' 'notebook==7.6.*' 'ipywidgets==8.1.*' 'plotly==7.1.*')
venv_started=$(date +%s)
venv_hash=$(printf '%s\n' "${JUPYTER_REQUIREMENTS[@]}" "$(/usr/bin/python3 --version 2>&1)" | sha256sum | cut -d' ' -f1)
venv_stamp=.venv/.latent-lab-requirements.sha256
if [ ! -x .venv/bin/jupyter-lab ] || [ "$(cat "$venv_stamp" 2>/dev/null)" != "$venv_hash" ]; then
  mkdir -p build
  say "installing ${JUPYTER_REQUIREMENTS[*]} into .venv/ (log: build/pip-install.log)"
  rm -f "$venv_stamp"
  if { [ -x .venv/bin/python ] || /usr/bin/python3 -m venv .venv; } > build/pip-install.log 2>&1 &&
     .venv/bin/python -m pip install --retries 0 --timeout 5 --disable-pip-version-check \
       "${JUPYTER_REQUIREMENTS[@]}" >> build/pip-install.log 2>&1; then
    echo "$venv_hash" > "$venv_stamp"
    say "JupyterLab installed in .venv/ ($(( $(date +%s) - venv_started )) s)"
  else
    tail -n 5 build/pip-install.log >&2 || true
    echo "setup: WARNING: could not install JupyterLab/Notebook 7 into .venv/ (see build/pip-install.log)." >&2
    echo "setup: WARNING: 'npm start' needs it; 'npm start -- --classic' (Debian's classic notebook) still works." >&2
  fi
fi
if [ -x .venv/bin/jupyter ] && [ -f "$venv_stamp" ]; then
  # The kernelspec in .jupyter/ is found through JUPYTER_PATH, as start.sh sets it.
  kernels=$(JUPYTER_PATH="$ROOT/.jupyter" .venv/bin/jupyter kernelspec list 2>/dev/null || true)
  if ! grep -q '^ *latent-lab ' <<<"$kernels"; then
    echo "setup: WARNING: .venv/bin/jupyter does not see the latent-lab kernel in $ROOT/.jupyter" >&2
  fi
fi

say "done. Notebooks: npm run notebooks   Tests: npm test   Jupyter: npm start (JupyterLab; --classic for the classic notebook)"
