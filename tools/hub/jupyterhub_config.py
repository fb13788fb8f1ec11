# JupyterHub configuration for a Latent Lab class on one server (The Littlest JupyterHub's model:
# one Unix account and one process tree per student). scripts/hub.sh starts the hub with this file
# and the environment it reads below; see the README's "Teaching a class".
#
#   LATENT_REPO       the Latent Lab checkout (its .venv/, .jupyter/ kernelspec, dist/, notebooks/)
#   LATENT_HUB_ROOT   the hub's own state: database, cookie secret, class roster, exchange, logs
#   LATENT_HUB_PORT   the port of the hub's proxy (127.0.0.1 unless LATENT_HUB_IP is set)
#   LATENT_HUB_MEMORY_MB / LATENT_HUB_NPROC   per-student limits (see limits below)
#   LATENT_HUB_CULL_SECONDS                   idle time after which kernels and servers stop
import hashlib
import hmac
import json
import os
import pwd
import shutil
import sys

from jupyterhub.auth import Authenticator
from tornado import gen

REPO = os.environ["LATENT_REPO"]
ROOT = os.environ["LATENT_HUB_ROOT"]
sys.path.insert(0, os.path.join(REPO, "tools", "hub"))
import exchange  # noqa: E402  (tools/hub/exchange.py: release / fetch / submit / collect)

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

c.JupyterHub.ip = os.environ.get("LATENT_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("LATENT_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("LATENT_HUB_API_PORT", str(c.JupyterHub.port + 1)))
c.JupyterHub.db_url = "sqlite:///" + os.path.join(ROOT, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(ROOT, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(ROOT, "proxy.pid")
c.JupyterHub.pid_file = os.path.join(ROOT, "jupyterhub.pid")
# The proxy is a child of the hub and goes with it (no stray proxy between test runs).
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- Who may log in: the class roster ------------------------------------------------------------
ROSTER = os.path.join(ROOT, "roster.json")


class RosterAuthenticator(Authenticator):
    """Accepts exactly the accounts of the class roster (roster.json, written by scripts/hub.sh from a
    `name:password` file): salted SHA-256 of each password, compared in constant time. A test class or a
    small course without a university login; a real course swaps in its SSO authenticator here."""

    @gen.coroutine
    def authenticate(self, handler, data):
        with open(ROSTER) as f:
            roster = json.load(f)
        name = (data or {}).get("username", "")
        entry = roster.get("students", {}).get(name) or roster.get("instructors", {}).get(name)
        if not entry:
            return None
        digest = hashlib.sha256((entry["salt"] + data.get("password", "")).encode()).hexdigest()
        return name if hmac.compare_digest(digest, entry["sha256"]) else None


c.JupyterHub.authenticator_class = RosterAuthenticator
with open(ROSTER) as f:
    _roster = json.load(f)
c.Authenticator.allowed_users = set(_roster.get("students", {})) | set(_roster.get("instructors", {}))
c.Authenticator.admin_users = set(_roster.get("instructors", {}))

# The load test and the hub test drive the hub through its REST API with this service's token.
_token_file = os.path.join(ROOT, "api_token")
if os.path.exists(_token_file):
    with open(_token_file) as f:
        c.JupyterHub.services = [{"name": "latent-lab-class", "api_token": f.read().strip()}]
    c.JupyterHub.load_roles = [{
        "name": "latent-lab-class",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
        "services": ["latent-lab-class"],
    }]

# --- Each student's server: JupyterLab 4 from the project's .venv, the Latent Lab kernel ----------
# LocalProcessSpawner starts the server as the student's own Unix account (the hub runs as root), so
# file permissions keep one student's work from another's.
c.Spawner.cmd = [os.path.join(REPO, ".venv", "bin", "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 90
c.Spawner.environment = {
    # Debian's jupyterhub package (its singleuser module) beside the .venv's JupyterLab 4; see hub.sh.
    "PYTHONPATH": os.path.join(ROOT, "pylib"),
    "JUPYTER_PATH": os.path.join(REPO, ".jupyter"),
    # latent-submit (hand in homework) and the .venv's jupyter in the student's terminal.
    "PATH": os.pathsep.join([os.path.join(ROOT, "bin"), os.path.join(REPO, ".venv", "bin"),
                             "/usr/local/bin", "/usr/bin", "/bin"]),
    "LATENT_HUB_EXCHANGE": os.path.join(ROOT, "exchange"),
    # The kernel's V8 heap stays below the student's share of memory (see limits).
    "NODE_OPTIONS": "--max-old-space-size=" + os.environ.get("LATENT_HUB_MEMORY_MB", "2048"),
}

# Limits. LocalProcessSpawner cannot enforce mem_limit / cpu_limit (it only passes them on as
# MEM_LIMIT / CPU_LIMIT); a process-count and open-file limit is set with prlimit on the server, and
# each kernel's heap is bounded by --max-old-space-size. Hard memory and CPU shares need cgroups:
# SystemdSpawner on one server, or Kubernetes resources (binder/helm/values.yaml).
_mem_mb = int(os.environ.get("LATENT_HUB_MEMORY_MB", "2048"))
_nproc = int(os.environ.get("LATENT_HUB_NPROC", "256"))
c.Spawner.mem_limit = f"{_mem_mb}M"
c.Spawner.cmd = ["prlimit", f"--nproc={_nproc}", "--nofile=4096"] + c.Spawner.cmd

# Idle culling without an extra service: the server stops its idle kernels, then shuts itself down.
_cull = int(os.environ.get("LATENT_HUB_CULL_SECONDS", "3600"))
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={_cull}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
    f"--ServerApp.shutdown_no_activity_timeout={_cull + 300}",
]


def copy_course_in(spawner):
    """First login (and every later one): the lecture notebooks a student does not have yet (with the
    ledger they link, derivations.md, beside them: their D-links open it), and the released assignments
    not fetched yet, are copied into the home folder, owned by the student. Files the student already has
    are never overwritten (their work stays theirs)."""
    user = pwd.getpwnam(spawner.user.name)
    home = user.pw_dir
    lectures = os.path.join(home, "lectures")
    os.makedirs(lectures, exist_ok=True)
    os.chown(lectures, user.pw_uid, user.pw_gid)
    src = os.path.join(REPO, "notebooks")
    for name in sorted(os.listdir(src)):
        if (name.endswith(".ipynb") or name == "derivations.md") and not os.path.exists(os.path.join(lectures, name)):
            dst = os.path.join(lectures, name)
            shutil.copyfile(os.path.join(src, name), dst)
            os.chown(dst, user.pw_uid, user.pw_gid)
            os.chmod(dst, 0o600)
    exchange.fetch(os.path.join(ROOT, "exchange"), spawner.user.name, home, uid=user.pw_uid, gid=user.pw_gid)


c.Spawner.pre_spawn_hook = copy_course_in
