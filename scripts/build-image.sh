#!/usr/bin/env bash
# Builds the course image (binder/Dockerfile) with Debian's buildah, starts the image's JupyterLab and
# runs notebook 00 in it (`npm run image`). Not part of setup or CI (CI builds no images). Run as root:
#   sudo apt-get install buildah podman debootstrap    # once
#   sudo bash scripts/build-image.sh                   # FROM node:20-bookworm-slim (needs Docker Hub)
#   sudo bash scripts/build-image.sh --local-base      # no registry: a Debian bookworm base made with
#        debootstrap from deb.debian.org, with this machine's Node 20 (the files of its nodejs package)
#        and a uid-1000 user "node", the layout of the node image
#   --no-hub-package   leave jupyterhub out of .venv/ (when the package index has no jupyterhub>=4)
#   --check-only       build nothing: start the JupyterLab of the image built last and run notebook 00 in it
# The image is built from the committed tree (git archive HEAD), not from the working copy.
# Storage is vfs and isolation chroot, so it also works inside an unprivileged container (no overlay
# mounts, no user namespaces). Log: build/image/build.log. Image: localhost/latent-lab:latest.
#
# Behind a TLS-intercepting proxy (registries answer with a certificate of the proxy's own CA, which
# this machine trusts and a fresh image does not) and with a local package index instead of PyPI, the
# build uses this machine's settings for its RUN steps only, nothing of them lands in the image:
#   - the CA bundle this machine's npm/Node/pip use (npm's cafile, NODE_EXTRA_CA_CERTS, PIP_CERT or
#     SSL_CERT_FILE; LATENT_IMAGE_CA=FILE chooses one) is bind-mounted read-only at /run/build-ca.crt
#     and named by the build argument BUILD_CA (the Dockerfile exports NODE_EXTRA_CA_CERTS,
#     npm_config_cafile, PIP_CERT, SSL_CERT_FILE from it inside that RUN);
#   - pip's index settings (pip config and PIP_* variables: index-url, extra-index-url, find-links)
#     are passed as build arguments, and the local folders they name (file:// URLs) are bind-mounted
#     read-only at the same paths.
# A build argument's value (a path or URL here, never a key) shows in the image's history; the CA's
# contents and the indexes do not.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "build-image: run as root (rootful buildah)" >&2; exit 1; }
command -v buildah >/dev/null || { echo "build-image: install buildah: apt-get install buildah podman" >&2; exit 1; }
local_base=0 build=1
hub_requirement='jupyterhub>=4,<6'
for arg in "$@"; do
  case "$arg" in
    --local-base) local_base=1 ;;
    --no-hub-package) hub_requirement='' ;;
    --check-only) build=0 ;;
    *) echo "build-image: unknown option '$arg' (known: --local-base, --no-hub-package, --check-only)" >&2; exit 2 ;;
  esac
done
B=(buildah --storage-driver vfs)
mkdir -p build/image
log=$(pwd)/build/image/build.log
say() { echo "build-image: $*" | tee -a "$log"; }
if [ "$build" -eq 1 ]; then
: > "$log"

# --- the build's network settings (see the header) ----------------------------------------------
build_args=() volumes=()
ca=${LATENT_IMAGE_CA:-}
if [ -z "$ca" ]; then
  for c in "$(npm config get cafile 2>/dev/null || true)" "${NODE_EXTRA_CA_CERTS:-}" "${PIP_CERT:-}" "${SSL_CERT_FILE:-}"; do
    if [ -n "$c" ] && [ "$c" != null ] && [ -f "$c" ]; then ca=$c; break; fi
  done
fi
if [ -n "$ca" ]; then
  [ -f "$ca" ] || { echo "build-image: no CA bundle at $ca" >&2; exit 1; }
  volumes+=(-v "$(readlink -f "$ca"):/run/build-ca.crt:ro")
  build_args+=(--build-arg BUILD_CA=/run/build-ca.crt)
  say "the build's RUN steps trust $ca (mounted, not copied)"
fi
pip_setting() {  # $1: pip's option name; the environment wins over pip's config files, as in pip
  local env_name; env_name=PIP_$(echo "$1" | tr 'a-z-' 'A-Z_')
  if [ -n "${!env_name:-}" ]; then echo "${!env_name}"; return; fi
  /usr/bin/python3 -m pip config list 2>/dev/null | sed -n "s/^[a-z]*\.$1='\(.*\)'$/\1/p" | head -n 1
}
for opt in index-url extra-index-url find-links; do
  value=$(pip_setting "$opt" | tr '\n' ' ' | sed 's/ *$//')
  [ -n "$value" ] || continue
  build_args+=(--build-arg "BUILD_PIP_$(echo "$opt" | tr 'a-z-' 'A-Z_')=$value")
  for item in $value; do
    dir=${item#file://}
    [ "${dir:0:1}" = / ] || continue
    # a file:// index URL names .../simple; mount the folder that holds it (its packages sit beside)
    [ "$(basename "$dir")" = simple ] && dir=$(dirname "$dir")
    [ -d "$dir" ] && volumes+=(-v "$dir:$dir:ro")
  done
  say "pip's $opt for the build: $value"
done
[ -n "$hub_requirement" ] && build_args+=(--build-arg "JUPYTERHUB_REQUIREMENT=$hub_requirement") || build_args+=(--build-arg JUPYTERHUB_REQUIREMENT=)

# --- the base image -------------------------------------------------------------------------------
base=node:20-bookworm-slim
if [ "$local_base" -eq 1 ]; then
  base=localhost/latent-lab-base:bookworm-node20
  if "${B[@]}" inspect --type image "$base" >/dev/null 2>&1; then
    say "base $base exists (remove it with: buildah --storage-driver vfs rmi $base)"
  else
    command -v debootstrap >/dev/null || { echo "build-image: --local-base needs debootstrap" >&2; exit 1; }
    node --version | grep -q '^v20\.' || { echo "build-image: --local-base copies this machine's Node, which must be 20" >&2; exit 1; }
    rootfs=$(mktemp -d /tmp/latent-lab-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    say "debootstrap bookworm into $rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >>"$log" 2>&1
    # Node 20 in /usr/local, as the node image has it: ahead of /usr/bin in PATH, where Debian's nodejs 18
    # lands when setup's apt-get pulls it in (node-configurable-http-proxy depends on it)
    mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib" "$rootfs/usr/local/include"
    cp -a "$(readlink -f "$(command -v node)")" "$rootfs/usr/local/bin/node"
    cp -a /usr/lib/node_modules "$rootfs/usr/local/lib/"
    [ -d /usr/include/node ] && cp -a /usr/include/node "$rootfs/usr/local/include/"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    chroot "$rootfs" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node' >>"$log" 2>&1
    ctr=$("${B[@]}" from scratch)
    mnt=$("${B[@]}" mount "$ctr")
    cp -a "$rootfs"/. "$mnt"/
    "${B[@]}" umount "$ctr" >/dev/null
    "${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
    "${B[@]}" commit --quiet "$ctr" "$base" >>"$log"
    "${B[@]}" rm "$ctr" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
  fi
fi

# --- the build, from the committed tree --------------------------------------------------------------
context=$(mktemp -d /tmp/latent-lab-context.XXXXXX)
trap 'rm -rf "$context"' EXIT
git archive HEAD | tar -x -C "$context"
say "building binder/Dockerfile of commit $(git rev-parse --short HEAD) FROM $base"
start=$(date +%s)
"${B[@]}" bud --isolation chroot --layers=false --build-arg "BASE=$base" "${build_args[@]}" "${volumes[@]}" \
  -f "$context/binder/Dockerfile" -t localhost/latent-lab:latest "$context" >>"$log" 2>&1 || {
  say "the build failed after $(( $(date +%s) - start )) s; its last lines:"; tail -n 15 "$log" >&2; exit 1; }
rm -rf "$context"
trap - EXIT
say "built in $(( $(date +%s) - start )) s: $("${B[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' localhost/latent-lab:latest)"
"${B[@]}" inspect --type image --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' localhost/latent-lab:latest \
  | grep -E 'BUILD_|build-ca|PIP_|NODE_EXTRA_CA_CERTS|npm_config_cafile|SSL_CERT_FILE' \
  && { say "the image's environment keeps a build setting (above)"; exit 1; } || true
fi

# --- the image's JupyterLab (its CMD) and notebook 00, in a container of the image ----------------
ctr=$("${B[@]}" from localhost/latent-lab:latest)
jpid=''
# With chroot isolation the server is not in a process namespace of its own: killing `buildah run`
# would leave it running, so it is stopped through its own API.
stop_lab() {
  [ -n "$jpid" ] || return 0
  curl -fsS -X POST "http://127.0.0.1:$port/api/shutdown?token=image-check" >/dev/null 2>&1 || kill "$jpid" 2>/dev/null || true
  wait "$jpid" 2>/dev/null || true
  jpid=''
}
cleanup() { stop_lab; "${B[@]}" rm "$ctr" >/dev/null 2>&1 || true; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${B[@]}" run --isolation chroot "$ctr" -- bash -c "cd ~/latent-lab && timeout 300 jupyter lab --ip=127.0.0.1 --port=$port --no-browser --ServerApp.root_dir=notebooks --IdentityProvider.token=image-check" >>"$log" 2>&1 &
jpid=$!
ok=0
for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$port/api/status?token=image-check" >/dev/null 2>&1; then ok=1; break; fi
  sleep 2
done
if [ "$ok" -eq 1 ]; then
  say "the image's JupyterLab answered on port $port"
  specs=$(curl -fsS "http://127.0.0.1:$port/api/kernelspecs?token=image-check")
  echo "$specs" | grep -q '"latent-lab"' && say "its kernelspecs include latent-lab" || { say "its kernelspecs lack latent-lab: $specs"; exit 1; }
else
  say "the image's JupyterLab did not answer on port $port"; exit 1
fi
stop_lab
say "notebook 00 in the image:"
if ! "${B[@]}" run --isolation chroot "$ctr" -- bash -c 'cd ~/latent-lab && /usr/bin/python3 tools/run_notebooks.py notebooks/00-getting-started.ipynb --out /tmp/image-check' 2>&1 | tee -a "$log"; then
  say "notebook 00 failed in the image"; exit 1
fi
say "done: the image's JupyterLab answered and notebook 00 ran in it"
