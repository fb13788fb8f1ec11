"""Operating-system isolation for one grading kernel (tools/assignments.py): bubblewrap (Debian package
`bubblewrap`) builds a fresh mount, pid, network, IPC, UTS and user namespace that holds only what the
kernel needs, read-only, plus the submission's own writable folder and a private /tmp; prlimit sets the
process's resource limits; as root, setpriv first drops to an unprivileged uid/gid (one per grading worker).

Why not only Node's permission model: Node documents it as a seat belt, not a sandbox: a worker started with
its own execArgv runs without it, and a native addon runs anything. The box holds whatever runs inside it.

The kernel talks to the grader over ZMQ's ipc transport (Unix sockets in a folder bound into the box), so
the box has no network at all (its own namespace holds only a loopback no one else is on).
"""
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

NOBODY = 65534


@lru_cache(maxsize=None)
def shared_libraries(*binaries):
    """The shared libraries (resolved, with the dynamic loader) that the binaries and addons need: ldd's list."""
    libs = set()
    for b in binaries:
        r = subprocess.run(["ldd", str(b)], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            for tok in line.split():
                if tok.startswith("/"):
                    libs.add(tok)
    out = set()
    for lib in libs:
        p = Path(lib)
        if p.exists():
            out.add(str(p))
            out.add(str(p.resolve()))
    return tuple(sorted(out))


def unavailable():
    """None when bubblewrap can build a box here, else the reason."""
    if not shutil.which("bwrap"):
        return "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap; scripts/setup.sh installs it)"
    if not shutil.which("prlimit"):
        return "prlimit (util-linux) is not installed"
    cmd = box_command(["/bin/true"], work=None, ipc=None, reads=[], limits={}, env={})
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {(r.stderr or '').strip()[-300:]}"
    return None


def box_command(argv, work, ipc, reads, limits, env, uid=NOBODY):
    """The command that runs ARGV in a box: READS bound read-only at their own paths, WORK (the submission's
    folder, also the working directory) and IPC (the kernel's sockets and connection file) bound writable,
    a private /tmp, fresh /proc and /dev, no network, its own pids, a new session, killed with its parent,
    the environment exactly ENV, LIMITS {"as","data","nproc","nofile","fsize","cpu"} set by prlimit, and, when
    the grader is root, the unprivileged UID (and gid) outside the box."""
    binds = []
    seen = set()
    for p in [argv[0], *shared_libraries(str(Path(argv[0]).resolve()), *[r for r in reads if str(r).endswith(".node")]), *reads]:
        p = str(p)
        if p in seen or not os.path.exists(p):
            continue
        seen.add(p)
        binds += ["--ro-bind", p, p]
    for d in (work, ipc):
        if d:
            binds += ["--bind", str(d), str(d)]
    env_args = []
    for k, v in env.items():
        env_args += ["--setenv", k, str(v)]
    bwrap = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
             "--clearenv", *env_args, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", *binds,
             "--chdir", str(work or "/"), "--", *argv]
    if os.geteuid() == 0:
        # Inside a user namespace root would still be uid 0 to the files outside: drop to nobody first.
        bwrap = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *bwrap]
    names = {"as": "--as", "data": "--data", "nproc": "--nproc", "nofile": "--nofile", "fsize": "--fsize", "cpu": "--cpu"}
    lim = [f"{names[k]}={int(v)}" for k, v in limits.items()]
    return ["prlimit", *lim, "--", *bwrap] if lim else bwrap


def hand_over(path, uid=NOBODY):
    """Makes PATH (a folder or file the grader created for the box) the box user's when the grader is root."""
    if os.geteuid() == 0:
        os.chown(path, uid, uid)
