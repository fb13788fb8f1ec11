#!/usr/bin/python3
"""The class on one server, end to end (run as root by test/hub/hub.test.ts): scripts/hub.sh starts a
JupyterHub on loopback with two students; both log in (the hub's login form, as a browser does), their
servers start with the lecture notebooks and the released assignment in their homes, a short notebook
runs in each through the kernel websocket, one student solves and hands in the assignment, the other
hands in the blank version, the instructor collects and grades; then the attacks a student would try on
a classmate: reading the classmate's home through the kernel and the shell, listing and reading the
exchange's inbound folder, handing in under the classmate's name, reading the instructor's sources.
Prints one JSON line with what it saw; the mocha test asserts on it."""
import asyncio
import csv
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import http.cookiejar

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "hub"))
import client  # noqa: E402

STUDENTS = {"llhub-ada": "pw-ada-7", "llhub-bo": "pw-bo-7"}
ASSIGNMENT = "h1-hub-check"
FIXTURES = os.path.join(ROOT, "test", "hub", "fixtures")


def as_user(user, *cmd):
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=60)


def browser_login(url, name, password):
    """Logs in through the hub's login form; True when the hub redirects to the student's server."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(url + "/hub/login", timeout=30).read()
    xsrf = next((c.value for c in jar if c.name == "_xsrf"), None)
    form = {"username": name, "password": password}
    if xsrf:
        form["_xsrf"] = xsrf
    r = opener.open(url + "/hub/login?next=", urllib.parse.urlencode(form).encode(), timeout=120)
    return r.geturl()


def main():
    saw = {}
    modes = client.folder_modes(ROOT)
    tmp = tempfile.mkdtemp(prefix="ll-hub-test-")
    os.chmod(tmp, 0o755)
    hub_root = os.path.join(tmp, "hub")
    with open(os.path.join(tmp, "class.txt"), "w") as f:
        for name, pw in STUDENTS.items():
            f.write(f"{name}:{pw}\n")
    env = dict(os.environ, LATENT_HUB_CULL_SECONDS="600")
    log = open(os.path.join(tmp, "hub.log"), "w")
    hub = None
    try:
        # Release before anyone logs in: the spawn hook copies it into each home.
        r = subprocess.run(["bash", "scripts/hub.sh", "release", ASSIGNMENT, "--root", hub_root, "--source", FIXTURES],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
        saw["release"] = r.returncode == 0 and "released" in r.stdout
        if not saw["release"]:
            saw["release_output"] = r.stdout[-2000:] + r.stderr[-2000:]
        hub, url = client.start_class(ROOT, hub_root, os.path.join(tmp, "class.txt"), log, env=env)
        h = client.Hub(url, open(os.path.join(hub_root, "api_token")).read().strip())
        saw["wrong_password_refused"] = "/hub/login" in browser_login(url, "llhub-ada", "not-the-password")
        saw["login_redirects"] = {n: browser_login(url, n, pw) for n, pw in STUDENTS.items()}
        tokens = {}
        for n in STUDENTS:
            h.start_server(n)
            tokens[n] = h.user_token(n)
        homes = {n: pwd.getpwnam(n).pw_dir for n in STUDENTS}
        saw["home_modes"] = {n: oct(os.stat(homes[n]).st_mode & 0o777) for n in STUDENTS}
        saw["lectures_copied"] = {n: sorted(os.listdir(os.path.join(homes[n], "lectures"))) for n in STUDENTS}
        saw["assignment_fetched"] = {n: os.listdir(os.path.join(homes[n], "assignments")) for n in STUDENTS}
        cells = ['import * as ll from "latent-lab";\nawait ll.ready();',
                 'const n = new ll.Normal(0, 1);\nll.value(n.logProb(ll.tf.scalar(0)))']
        other = {"llhub-ada": "llhub-bo", "llhub-bo": "llhub-ada"}

        async def lecture_and_attack(n):
            out = await client.run_notebook(h, n, tokens[n], cells + [
                f'require("fs").readdirSync("{homes[other[n]]}")',
            ], timeout=240)
            return out

        async def both():
            return await asyncio.gather(*(lecture_and_attack(n) for n in STUDENTS))

        runs = dict(zip(STUDENTS, asyncio.run(both())))
        saw["lecture_cells"] = {n: [c["status"] for c in r["cells"][:2]] for n, r in runs.items()}
        saw["lecture_value"] = {n: r["cells"][1]["outputs"][-1].get("data", {}).get("text/plain") if len(r["cells"]) > 1 else None
                                for n, r in runs.items()}
        saw["kernel_reads_classmate"] = {n: r["cells"][2]["error"] if len(r["cells"]) > 2 else None for n, r in runs.items()}
        # ada solves the assignment (the instructor version stands for her work) and saves it through the
        # contents API as JupyterLab would; bo hands in what he fetched.
        gen = os.path.join(tmp, "versions")
        subprocess.run(["/usr/bin/python3", "tools/assignments.py", "generate", "--source", FIXTURES, "--out", gen],
                       cwd=ROOT, check=True, capture_output=True)
        with open(os.path.join(gen, "instructor", ASSIGNMENT + ".ipynb")) as f:
            solved = json.load(f)
        h.api("PUT", f"/user/llhub-ada/api/contents/assignments/{ASSIGNMENT}.ipynb",
              {"type": "notebook", "format": "json", "content": solved}, token=tokens["llhub-ada"])
        submit = os.path.join(hub_root, "bin", "latent-submit")
        sub = {n: as_user(n, "sh", "-c", f"cd ~ && {submit} assignments/{ASSIGNMENT}.ipynb") for n in STUDENTS}
        saw["submitted"] = {n: r.returncode == 0 for n, r in sub.items()}
        inbound = os.path.join(hub_root, "exchange", "inbound")
        # Attacks on a classmate.
        saw["shell_reads_classmate_home"] = as_user("llhub-bo", "ls", homes["llhub-ada"]).returncode == 0
        saw["shell_reads_classmate_file"] = as_user(
            "llhub-bo", "cat", os.path.join(homes["llhub-ada"], "assignments", ASSIGNMENT + ".ipynb")).returncode == 0
        saw["lists_inbound"] = as_user("llhub-bo", "ls", inbound).returncode == 0
        ada_file = next(f for f in os.listdir(inbound) if f.startswith("llhub-ada+"))
        saw["reads_classmate_submission"] = as_user("llhub-bo", "cat", os.path.join(inbound, ada_file)).returncode == 0
        saw["deletes_classmate_submission"] = as_user("llhub-bo", "rm", "-f", os.path.join(inbound, ada_file)).returncode == 0 \
            and not os.path.exists(os.path.join(inbound, ada_file))
        # bo hands in a blank notebook under ada's name, newer than hers.
        spoof = as_user("llhub-bo", "sh", "-c",
                        f"cp ~/assignments/{ASSIGNMENT}.ipynb {inbound}/llhub-ada+{ASSIGNMENT}+29991231T000000+0000.ipynb")
        saw["spoof_written"] = spoof.returncode == 0
        saw["reads_instructor_sources"] = as_user(
            "llhub-bo", "ls", os.path.join(ROOT, "notebooks", "exercises")).returncode == 0
        # The instructor collects and grades.
        out = os.path.join(tmp, "out")
        g = subprocess.run(["bash", "scripts/hub.sh", "grade", ASSIGNMENT, out, "--root", hub_root, "--source", FIXTURES],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
        saw["grade_status"] = g.returncode
        saw["collect_skipped_spoof"] = "named for llhub-ada" in g.stderr + g.stdout
        rows = {}
        csv_path = os.path.join(out, "grades", ASSIGNMENT, "grades.csv")
        if os.path.exists(csv_path):
            with open(csv_path) as f:
                for row in csv.DictReader(f):
                    rows.setdefault(row.get("student", ""), []).append(row)
        else:
            saw["grade_output"] = (g.stdout + g.stderr)[-3000:]
        saw["grades"] = {s: [{k: v for k, v in r.items() if k in ("exercise", "points", "max_points", "score", "status")}
                             for r in rs] for s, rs in rows.items()}
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        saw["culling_configured"] = "cull_idle_timeout=600" in ps and "shutdown_no_activity_timeout" in ps
    finally:
        client.stop_class(hub, STUDENTS)
        log.close()
        saw["hub_log_tail"] = open(log.name).read()[-1500:]
        shutil.rmtree(tmp, ignore_errors=True)
        # hub.sh keeps students out of the instructor's folders; the test leaves the checkout as it was.
        client.restore_modes(modes)
        print(json.dumps(saw))


if __name__ == "__main__":
    main()
