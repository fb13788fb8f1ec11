#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node (or -gpu), the version of our @tensorflow/tfjs, against the TensorFlow C library
# inside the machine's TensorFlow wheel, into build/tfjs-node/ (gitignored; src/backend/tfjs-node.ts finds it there).
#   bash scripts/tfjs-node.sh            # tfjs-node on tensorflow-cpu's libtensorflow_cc.so.2
#   bash scripts/tfjs-node.sh node-gpu   # tfjs-node-gpu on the CUDA build in the `tensorflow` wheel (environment.md)
# Why not `npm install @tensorflow/tfjs-node`: its install script downloads libtensorflow 2.9.1 from a bucket
# that refuses it (HTTP 403) and that this machine cannot reach. The wheel comes through pip's own index, the
# npm package through npm with --ignore-scripts, the addon is built with node-gyp against the wheel's library
# and C headers. Nothing is added to package.json or package-lock.json: the package lives in its own npm prefix
# (build/tfjs-node/npm), where `npm ci` / `npm install` in the project never prune it, and it resolves
# @tensorflow/tfjs from the project's node_modules (its own copies are removed), so one tfjs-core serves both.
# Exit status: 0 built (or already built), 3 the wheel or the npm package was not reachable, 1 a build failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
variant=${1:-node}
case "$variant" in
  node) pkg=@tensorflow/tfjs-node; wheel=tensorflow-cpu ;;
  node-gpu) pkg=@tensorflow/tfjs-node-gpu; wheel=tensorflow ;;
  *) echo "tfjs-node: variant must be node or node-gpu, got '$variant'" >&2; exit 2 ;;
esac
TF_VERSION=2.21.0
say() { echo "tfjs-node: $*"; }
started=$(date +%s)
laps=""
lap() { laps="$laps $1 $(( $(date +%s) - started ))s"; }
tfjs_version=$(node -p 'require("@tensorflow/tfjs/package.json").version')
prefix=build/tfjs-node
dir=$prefix/npm/node_modules/$pkg
addon=$dir/lib/napi-v8/tfjs_binding.node
want="$pkg@$tfjs_version on $wheel==$TF_VERSION, node $(node --version)"
if [ -f "$addon" ] && [ "$(cat "$dir/.latent-lab-build" 2>/dev/null)" = "$want" ]; then
  say "already built ($want)"
  exit 0
fi
mkdir -p "$prefix/wheel" "$prefix/npm"
log=$prefix/build-$variant.log
: > "$log"

# 1. The wheel (pip's configured index; no retries, so an unreachable index fails in seconds).
whl=$(ls "$prefix"/wheel/"${wheel//-/_}"-"$TF_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$whl" ]; then
  if ! /usr/bin/python3 -m pip download --no-deps "$wheel==$TF_VERSION" --retries 0 --timeout 5 \
       --disable-pip-version-check -d "$prefix/wheel" >> "$log" 2>&1; then
    echo "tfjs-node: the $wheel $TF_VERSION wheel is not reachable through pip (see $log); $pkg not built" >&2
    exit 3
  fi
  whl=$(ls "$prefix"/wheel/"${wheel//-/_}"-"$TF_VERSION"-*.whl | head -n 1)
fi

lap wheel
# 2. The npm package without its install script, in its own prefix.
[ -f "$prefix/npm/package.json" ] || echo '{ "private": true, "description": "tfjs-node built by scripts/tfjs-node.sh" }' > "$prefix/npm/package.json"
if ! npm install --prefix "$prefix/npm" --ignore-scripts --no-audit --no-fund --loglevel=error "$pkg@$tfjs_version" >> "$log" 2>&1; then
  echo "tfjs-node: npm could not install $pkg@$tfjs_version (see $log); not built" >&2
  exit 3
fi
# Its own copies of tfjs would be a second tfjs-core with a second engine; without them Node's lookup walks up
# to the project's node_modules.
for p in tfjs tfjs-core tfjs-backend-cpu tfjs-backend-webgl tfjs-converter tfjs-data tfjs-layers; do
  rm -rf "$prefix/npm/node_modules/@tensorflow/$p"
done

lap npm
# 3. The C library and headers from the wheel, where tfjs-node's binding.gyp looks (deps/lib, deps/include;
# the addon's rpath is $ORIGIN/../../deps/lib). libtensorflow_cc.so.2 exports the C and eager C APIs.
rm -rf "$dir/deps" "$prefix/unpack"
# (Python's zipfile rather than unzip, which setup does not install)
/usr/bin/python3 - "$whl" "$prefix/unpack" >> "$log" 2>&1 <<'PY'
import fnmatch, sys, zipfile
wheel, out = sys.argv[1:]
wanted = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2', 'tensorflow/include/tensorflow/c/*',
          'tensorflow/include/tsl/*', 'tensorflow/include/xla/tsl/c/*', 'tensorflow/include/tensorflow/core/platform/ctstring*']
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if any(fnmatch.fnmatch(n, w) for w in wanted)]
    z.extractall(out, names)
print(f'unpacked {len(names)} files from {wheel}')
PY
mkdir -p "$dir/deps/lib"
mv "$prefix/unpack/tensorflow/libtensorflow_cc.so.2" "$prefix/unpack/tensorflow/libtensorflow_framework.so.2" "$dir/deps/lib/"
mv "$prefix/unpack/tensorflow/include" "$dir/deps/include"
rm -rf "$prefix/unpack"
ln -sf libtensorflow_cc.so.2 "$dir/deps/lib/libtensorflow.so"
ln -sf libtensorflow_framework.so.2 "$dir/deps/lib/libtensorflow_framework.so"

lap unpack
# 4. The addon. node-gyp needs Node's own headers: Debian's nodejs/libnode-dev put them under the Node prefix;
# otherwise node-gyp's cache of a previous download.
node_prefix=$(dirname "$(dirname "$(node -p 'process.execPath')")")
nodedir=""
if [ -f "$node_prefix/include/node/node_api.h" ]; then
  nodedir=$node_prefix
else
  cached="${XDG_CACHE_HOME:-$HOME/.cache}/node-gyp/$(node -p 'process.versions.node')"
  [ -f "$cached/include/node/node_api.h" ] && nodedir=$cached
fi
if [ -z "$nodedir" ]; then
  echo "tfjs-node: Node's headers (node_api.h) are not under $node_prefix/include/node nor in node-gyp's cache; install libnode-dev (Debian) or Node's headers; $pkg not built" >&2
  exit 1
fi
abs_dir=$(cd "$dir" && pwd)
if ! (cd "$dir" && "$ROOT/node_modules/.bin/node-gyp" rebuild --nodedir="$nodedir" --module_name=tfjs_binding \
       --module_path="$abs_dir/lib/napi-v8" --napi_build_version=8) >> "$log" 2>&1; then
  echo "tfjs-node: node-gyp failed to build $pkg's addon against $wheel's library (see $log)" >&2
  exit 1
fi

lap addon
# 5. It loads, registers the tensorflow backend on the project's tfjs-core, and computes.
check=$(TF_CPP_MIN_LOG_LEVEL=2 node -e "
  const tf = require('@tensorflow/tfjs-core'); require('./$dir');
  tf.setBackend('tensorflow').then(() => {
    const s = tf.sum(tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]))).dataSync()[0];
    console.log(tf.getBackend(), tf.backend().binding.TF_Version, s);
  });" 2>>"$log") || true
if [ "$check" != "tensorflow $TF_VERSION 12" ]; then
  echo "tfjs-node: $pkg built but did not run (got '$check'; see $log)" >&2
  exit 1
fi
echo "$want" > "$dir/.latent-lab-build"
say "built $want in $(( $(date +%s) - started )) s (after:$laps; $(du -sh "$prefix" | cut -f1) in $prefix; LATENT_BACKEND=$variant selects it)"
