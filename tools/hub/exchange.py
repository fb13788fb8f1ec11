#!/usr/bin/env python3
"""The homework exchange of a Latent Lab class on one server, laid out as nbgrader's exchange is:

    <exchange>/outbound/<assignment>.ipynb     released student versions, readable by everyone
    <exchange>/inbound/                        mode 1733: students create files, cannot list or read
                                               the folder, cannot delete each other's files

A submission is attributed to the Unix account that owns the file, never to the name it carries,
so a student cannot submit as someone else; it is created mode 0600, so no other student can read it.
On Kubernetes (deploy/z2jh-values.yaml) every pod runs as the same uid, so each student's pod mounts
only inbound/<student>/ as its inbound folder: there the folder, not the uid, is the identity.

    exchange.py release  EXCHANGE NOTEBOOK...          (instructor) hand out student versions
    exchange.py fetch    EXCHANGE                      (student) copy released work into ~/assignments
    exchange.py submit   EXCHANGE NOTEBOOK             (student) hand in a notebook
    exchange.py collect  EXCHANGE OUT                  (instructor) newest submission per student and
                                                       assignment -> OUT/<assignment>/<student>.ipynb
"""
import argparse
import os
import pwd
import re
import secrets
import shutil
import sys
import time

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")


def ensure(exchange):
    """Creates the exchange folders with the permissions a class needs (run as root by hub.sh)."""
    os.makedirs(os.path.join(exchange, "outbound"), exist_ok=True)
    os.makedirs(os.path.join(exchange, "inbound"), exist_ok=True)
    os.chmod(exchange, 0o755)
    os.chmod(os.path.join(exchange, "outbound"), 0o755)
    os.chmod(os.path.join(exchange, "inbound"), 0o1733)


def assignment_name(path):
    base = os.path.basename(path)
    if not base.endswith(".ipynb") or not NAME.match(base[:-6]):
        raise SystemExit(f"exchange: '{base}' is not a notebook name of letters, digits, '.', '_', '-'")
    return base[:-6]


def release(exchange, notebooks):
    ensure(exchange)
    for nb in notebooks:
        dst = os.path.join(exchange, "outbound", assignment_name(nb) + ".ipynb")
        shutil.copyfile(nb, dst)
        os.chmod(dst, 0o644)
        print(f"released {os.path.basename(dst)}")


def fetch(exchange, user, home, uid=None, gid=None):
    """Copies every released assignment the student does not have yet into <home>/assignments."""
    outbound = os.path.join(exchange, "outbound")
    if not os.path.isdir(outbound):
        return []
    target = os.path.join(home, "assignments")
    os.makedirs(target, exist_ok=True)
    if uid is not None:
        os.chown(target, uid, gid)
    fetched = []
    for name in sorted(os.listdir(outbound)):
        dst = os.path.join(target, name)
        if name.endswith(".ipynb") and not os.path.exists(dst):
            shutil.copyfile(os.path.join(outbound, name), dst)
            os.chmod(dst, 0o600)
            if uid is not None:
                os.chown(dst, uid, gid)
            fetched.append(name)
    return fetched


def submit(exchange, notebook):
    assignment = assignment_name(notebook)
    # On Kubernetes every pod's account is "jovyan"; the hub tells the server whose it is.
    user = os.environ.get("JUPYTERHUB_USER") or pwd.getpwuid(os.getuid()).pw_name
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    dst = os.path.join(exchange, "inbound", f"{user}+{assignment}+{stamp}+{secrets.token_hex(4)}.ipynb")
    # O_EXCL: never write through a name someone else prepared; 0600: only its owner (and root) reads it.
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open(notebook, "rb") as src:
        shutil.copyfileobj(src, out)
    print(f"submitted {assignment} as {user}")
    return dst


def collect(exchange, out):
    """Newest submission per (owner, assignment). The owner is the file's Unix owner; a file whose
    name claims another account is skipped with a message (it cannot be that student's work)."""
    inbound = os.path.join(exchange, "inbound")
    newest = {}
    entries = []
    for name in sorted(os.listdir(inbound)):
        path = os.path.join(inbound, name)
        if os.path.isdir(path) and not os.path.islink(path) and NAME.match(name):
            # Kubernetes layout: inbound/<student>/ is mounted into that student's pod only.
            entries += [(f, os.path.join(path, f), name) for f in sorted(os.listdir(path))]
        else:
            entries.append((name, path, None))
    for name, path, folder_owner in entries:
        st = os.lstat(path)
        parts = name[:-6].split("+") if name.endswith(".ipynb") else []
        if len(parts) != 4 or not os.path.isfile(path) or os.path.islink(path):
            print(f"collect: skipped '{name}': not a submission", file=sys.stderr)
            continue
        try:
            owner = folder_owner or pwd.getpwuid(st.st_uid).pw_name
        except KeyError:
            owner = str(st.st_uid)
        claimed, assignment, stamp = parts[0], parts[1], parts[2]
        if claimed != owner:
            print(f"collect: skipped '{name}': owned by {owner}, named for {claimed}", file=sys.stderr)
            continue
        key = (owner, assignment)
        if key not in newest or (stamp, name) > newest[key][0]:
            newest[key] = ((stamp, name), path)
    collected = []
    for (owner, assignment), (_, path) in sorted(newest.items()):
        folder = os.path.join(out, assignment)
        os.makedirs(folder, exist_ok=True)
        dst = os.path.join(folder, owner + ".ipynb")
        shutil.copyfile(path, dst)
        collected.append(dst)
    print(f"collected {len(collected)} submission(s) into {out}")
    return collected


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release"); p.add_argument("exchange"); p.add_argument("notebooks", nargs="+")
    p = sub.add_parser("fetch"); p.add_argument("exchange")
    p = sub.add_parser("submit"); p.add_argument("exchange"); p.add_argument("notebook")
    p = sub.add_parser("collect"); p.add_argument("exchange"); p.add_argument("out")
    args = parser.parse_args(argv)
    if args.command == "release":
        release(args.exchange, args.notebooks)
    elif args.command == "fetch":
        for name in fetch(args.exchange, pwd.getpwuid(os.getuid()).pw_name, os.path.expanduser("~")):
            print(f"fetched {name}")
    elif args.command == "submit":
        submit(args.exchange, args.notebook)
    else:
        collect(args.exchange, args.out)


if __name__ == "__main__":
    main()
