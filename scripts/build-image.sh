#!/usr/bin/env bash
# Builds the course image (binder/Dockerfile) with Debian's buildah, starts the image's Jupyter and runs
# notebook 00 in it. Not part of setup or CI (CI builds no images). Run as root:
#   sudo apt-get install buildah podman debootstrap    # once
#   sudo bash scripts/build-image.sh                   # FROM node:20-bookworm-slim (needs Docker Hub)
#   sudo bash scripts/build-image.sh --local-base      # no registry: a Debian bookworm base made with
#        debootstrap from deb.debian.org, with this machine's Node 20 (the files of its nodejs package)
#        and a uid-1000 user "node", the layout of the node image
# Storage is vfs and isolation chroot, so it also works inside an unprivileged container (no overlay
# mounts, no user namespaces). Log: build/image/build.log. Image: localhost/latent-lab:latest.
# Tried in the project's sandbox (2026-12-06): Docker Hub unreachable (no DNS), so --local-base; buildah
# run --isolation chroot works there; the build ran STEP 1-8 and setup.sh's apt-get, then npm ci stopped
# with SELF_SIGNED_CERT_IN_CHAIN: that network reaches registry.npmjs.org through a TLS-intercepting
# proxy whose CA the host trusts and the image does not. Elsewhere no step needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "build-image: run as root (rootful buildah)" >&2; exit 1; }
command -v buildah >/dev/null || { echo "build-image: install buildah: apt-get install buildah podman" >&2; exit 1; }
B=(buildah --storage-driver vfs)
mkdir -p build/image
log=build/image/build.log
: > "$log"
base=node:20-bookworm-slim
if [ "${1:-}" = "--local-base" ]; then
  command -v debootstrap >/dev/null || { echo "build-image: --local-base needs debootstrap" >&2; exit 1; }
  node --version | grep -q '^v20\.' || { echo "build-image: --local-base copies this machine's Node, which must be 20" >&2; exit 1; }
  rootfs=$(mktemp -d /tmp/latent-lab-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  echo "build-image: debootstrap bookworm into $rootfs" | tee -a "$log"
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
  base=localhost/latent-lab-base:bookworm-node20
  "${B[@]}" commit --quiet "$ctr" "$base" >>"$log"
  "${B[@]}" rm "$ctr" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi
echo "build-image: building binder/Dockerfile FROM $base (log: $log)" | tee -a "$log"
start=$(date +%s)
"${B[@]}" bud --isolation chroot --layers=false --build-arg "BASE=$base" -f binder/Dockerfile -t localhost/latent-lab:latest . >>"$log" 2>&1
echo "build-image: built in $(( $(date +%s) - start )) s" | tee -a "$log"

# The image's Jupyter (its CMD) on a free port, then notebook 00 through the image's runner.
ctr=$("${B[@]}" from localhost/latent-lab:latest)
trap '"${B[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${B[@]}" run --isolation chroot "$ctr" -- bash -c "cd ~/latent-lab && timeout 120 jupyter lab --ip=127.0.0.1 --port=$port --no-browser --ServerApp.root_dir=notebooks --IdentityProvider.token=image-check" >>"$log" 2>&1 &
jpid=$!
ok=0
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/api/status?token=image-check" >/dev/null 2>&1; then ok=1; break; fi
  sleep 2
done
[ "$ok" -eq 1 ] && echo "build-image: the image's JupyterLab answered on port $port" | tee -a "$log" || echo "build-image: the image's JupyterLab did not answer" | tee -a "$log"
kill "$jpid" 2>/dev/null || true
"${B[@]}" run --isolation chroot "$ctr" -- bash -c 'cd ~/latent-lab && /usr/bin/python3 tools/run_notebooks.py notebooks/00-getting-started.ipynb --out /tmp/image-check' 2>&1 | tee -a "$log"
