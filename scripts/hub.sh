#!/usr/bin/env bash
# A JupyterHub for a Latent Lab class on this machine (The Littlest JupyterHub's model): one Unix account
# and one JupyterLab 4 server per student, the Latent Lab kernel, the lecture notebooks copied into each
# home on login, homework handed out and collected through an nbgrader-style exchange, idle culling.
# Runs as root (the hub starts each student's server as that student's account). See the README's
# "Teaching a class".
#
#   npm run hub -- --class class.txt [--port 8000] [--root /srv/latent-lab-hub] [--memory-mb 2048]
#                                       # class.txt: one `name:password` a line; `name:password:instructor`
#   npm run hub -- release a3-the-vae   # hand out an assignment (its student version) to the class
#                                       # (--source DIR: source notebooks other than notebooks/exercises)
#   npm run hub -- collect OUT          # newest submission per student -> OUT/<assignment>/<student>.ipynb
#   npm run hub -- grade a3-the-vae OUT # collect, then `npm run grade` on that assignment's submissions
# Students hand in from a JupyterLab terminal:  latent-submit assignments/a3-the-vae.ipynb
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
HUB_ROOT=${LATENT_HUB_ROOT:-/srv/latent-lab-hub}
PORT=${LATENT_HUB_PORT:-8000}
MEMORY_MB=${LATENT_HUB_MEMORY_MB:-2048}
CLASS=""
SOURCE=notebooks/exercises
command=start
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --class) CLASS=$2; shift 2 ;;
    --class=*) CLASS=${1#--class=}; shift ;;
    --port) PORT=$2; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --root) HUB_ROOT=$2; shift 2 ;;
    --root=*) HUB_ROOT=${1#--root=}; shift ;;
    --source) SOURCE=$2; shift 2 ;;
    --source=*) SOURCE=${1#--source=}; shift ;;
    --memory-mb) MEMORY_MB=$2; shift 2 ;;
    --memory-mb=*) MEMORY_MB=${1#--memory-mb=}; shift ;;
    start|release|collect|grade) command=$1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
say() { echo "hub: $*"; }
die() { echo "hub: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root: the hub starts each student's server as the student's own account"
command -v jupyterhub >/dev/null || die "jupyterhub is missing: run 'bash scripts/setup.sh' (Debian's jupyterhub)"
command -v configurable-http-proxy >/dev/null || die "configurable-http-proxy is missing: run 'bash scripts/setup.sh'"
[ -x .venv/bin/jupyter-lab ] || die "JupyterLab 4 is not in .venv/: run 'bash scripts/setup.sh'"
[ -f dist/kernel/main.js ] || die "the kernel is not built: run 'bash scripts/setup.sh'"
EXCHANGE="$HUB_ROOT/exchange"

prepare() {
  mkdir -p "$HUB_ROOT/bin" "$HUB_ROOT/pylib"
  chmod 755 "$HUB_ROOT"
  /usr/bin/python3 -c "import sys; sys.path.insert(0, 'tools/hub'); import exchange; exchange.ensure('$EXCHANGE')"
  # Debian's JupyterHub 3.0 is built for /usr/bin/python3; each student's server runs JupyterLab 4 from
  # the .venv (same Python), which imports Debian's jupyterhub.singleuser through these links only.
  for pkg in jupyterhub sqlalchemy alembic async_generator certipy oauthlib pamela.py dateutil mako greenlet; do
    [ -e "/usr/lib/python3/dist-packages/$pkg" ] && ln -sfn "/usr/lib/python3/dist-packages/$pkg" "$HUB_ROOT/pylib/$pkg"
  done
  cat > "$HUB_ROOT/bin/latent-submit" <<EOF
#!/bin/sh
# Hands in a notebook: latent-submit assignments/<assignment>.ipynb
exec /usr/bin/python3 "$REPO/tools/hub/exchange.py" submit "$EXCHANGE" "\$@"
EOF
  chmod 755 "$HUB_ROOT/bin/latent-submit"
  # What students must not read: the source notebooks (solutions, hidden tests), the instructor
  # versions, reference values and grades under build/.
  chmod 750 notebooks/exercises
  mkdir -p build && chmod 750 build
}

case "$command" in
  release)
    [ ${#args[@]} -gt 0 ] || die "usage: npm run hub -- release <assignment> [...]"
    prepare
    versions=$(mktemp -d)
    trap 'rm -rf "$versions"' EXIT
    /usr/bin/python3 tools/assignments.py generate --source "$SOURCE" --out "$versions" >/dev/null
    nbs=()
    for a in "${args[@]}"; do
      a=${a%.ipynb}
      [ -f "$versions/student/$a.ipynb" ] || die "no assignment '$a' in $SOURCE"
      nbs+=("$versions/student/$a.ipynb")
    done
    /usr/bin/python3 tools/hub/exchange.py release "$EXCHANGE" "${nbs[@]}"
    exit 0 ;;
  collect)
    [ ${#args[@]} -eq 1 ] || die "usage: npm run hub -- collect OUT"
    exec /usr/bin/python3 tools/hub/exchange.py collect "$EXCHANGE" "${args[0]}" ;;
  grade)
    [ ${#args[@]} -eq 2 ] || die "usage: npm run hub -- grade <assignment> OUT"
    a=${args[0]%.ipynb}; out=${args[1]}
    /usr/bin/python3 tools/hub/exchange.py collect "$EXCHANGE" "$out/submissions"
    [ -d "$out/submissions/$a" ] || die "no submissions of '$a' yet"
    exec /usr/bin/python3 tools/assignments.py grade "$out/submissions/$a" --assignment "$a" --source "$SOURCE" \
      --out "$out/grades/$a" --jobs "$(nproc)" ;;
esac

# start
[ -n "$CLASS" ] || [ -f "$HUB_ROOT/roster.json" ] || die "no class yet: --class FILE (one 'name:password' a line)"
prepare
if [ -n "$CLASS" ]; then
  [ -f "$CLASS" ] || die "--class: no file '$CLASS'"
  # Accounts for the roster's names (home folders private to their owner) and the roster itself
  # (salted password hashes, readable by root only).
  /usr/bin/python3 - "$CLASS" "$HUB_ROOT/roster.json" <<'EOF'
import hashlib, json, os, pwd, re, secrets, subprocess, sys
roster = {"students": {}, "instructors": {}}
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    parts = line.split(":")
    if len(parts) not in (2, 3) or not re.match(r"^[a-z_][a-z0-9_-]{0,31}$", parts[0]) or not parts[1]:
        sys.exit(f"hub: --class line {n}: expected 'name:password' (name: lowercase letters, digits, '_', '-')")
    name, password = parts[0], parts[1]
    role = "instructors" if len(parts) == 3 and parts[2] == "instructor" else "students"
    salt = secrets.token_hex(8)
    roster[role][name] = {"salt": salt, "sha256": hashlib.sha256((salt + password).encode()).hexdigest()}
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name], check=True)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(roster, f, indent=1)
print(f"hub: class of {len(roster['students'])} student(s), {len(roster['instructors'])} instructor(s)")
EOF
fi
[ -f "$HUB_ROOT/api_token" ] || { umask 077; /usr/bin/python3 -c "import secrets; print(secrets.token_hex(32))" > "$HUB_ROOT/api_token"; }
chmod 600 "$HUB_ROOT/api_token"
say "JupyterHub on http://${LATENT_HUB_IP:-127.0.0.1}:$PORT (state in $HUB_ROOT)"
cd "$HUB_ROOT"
# Debian's configurable-http-proxy finds its modules in /usr/share/nodejs (Debian's own Node does so
# by default; the Node 20 the project runs on does not).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export LATENT_REPO="$REPO" LATENT_HUB_ROOT="$HUB_ROOT" LATENT_HUB_PORT="$PORT" LATENT_HUB_MEMORY_MB="$MEMORY_MB"
exec jupyterhub -f "$REPO/tools/hub/jupyterhub_config.py" ${args[@]+"${args[@]}"}
