"""Drives a class on a Latent Lab JupyterHub the way students' browsers do: the hub's REST API (with the
class service's token, see jupyterhub_config.py) to start each student's server and get the student a
token, then each server's REST API and kernel websocket to run a notebook's code cells in order.
Used by the hub test (test/hub/) and the class load test (bench/class.py)."""
import asyncio
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class Hub:
    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def api(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "token " + (token or self.token))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read().decode()
            return json.loads(text) if text.strip() else None

    def start_server(self, name, timeout=180):
        """Starts the student's server (idempotent) and waits until the hub says it is ready."""
        try:
            self.api("POST", f"/hub/api/users/{name}/server", {})
        except urllib.error.HTTPError as e:
            if e.code != 400:  # 400: already running
                raise
        deadline = time.time() + timeout
        while time.time() < deadline:
            server = self.api("GET", f"/hub/api/users/{name}").get("servers", {}).get("")
            if server and server.get("ready"):
                return server
            time.sleep(0.5)
        raise TimeoutError(f"{name}'s server did not become ready in {timeout} s")

    def stop_server(self, name):
        try:
            self.api("DELETE", f"/hub/api/users/{name}/server")
        except urllib.error.HTTPError:
            pass

    def user_token(self, name):
        return self.api("POST", f"/hub/api/users/{name}/tokens", {"expires_in": 7200, "note": "class client"})["token"]


def _msg(session, msg_type, content, channel="shell"):
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "student",
                   "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
    }


class KernelSession:
    """One kernel of one student's server, spoken to over the websocket as JupyterLab does."""

    def __init__(self, hub, name, token, kernel_name="latent-lab"):
        self.hub, self.name, self.token, self.kernel_name = hub, name, token, kernel_name
        self.session = uuid.uuid4().hex
        self.ws = None
        self.kernel_id = None

    async def open(self):
        kernel = self.hub.api("POST", f"/user/{self.name}/api/kernels", {"name": self.kernel_name}, token=self.token)
        self.kernel_id = kernel["id"]
        ws_url = self.hub.url.replace("http", "ws", 1) + f"/user/{self.name}/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self.ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": "token " + self.token}),
                                          max_message_size=256 * 1024 * 1024)
        return self

    async def execute(self, code, timeout=300):
        """Runs one cell; returns {status, seconds, first_output_seconds, outputs, error}."""
        msg = _msg(self.session, "execute_request", {"code": code, "silent": False, "store_history": True,
                                                     "user_expressions": {}, "allow_stdin": False,
                                                     "stop_on_error": True})
        msg_id = msg["header"]["msg_id"]
        t0 = time.perf_counter()
        await self.ws.write_message(json.dumps(msg))
        outputs, first, status, error, idle, reply = [], None, None, None, False, False
        deadline = t0 + timeout
        while not (idle and reply):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{self.name}: a cell took more than {timeout} s")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError(f"{self.name}: the kernel websocket closed")
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            t = m["header"]["msg_type"]
            if t in ("stream", "display_data", "execute_result", "error"):
                if first is None:
                    first = time.perf_counter() - t0
                outputs.append(m["content"])
                if t == "error":
                    error = f"{m['content'].get('ename')}: {m['content'].get('evalue')}"
            elif t == "status" and m["content"].get("execution_state") == "idle":
                idle = True
            elif t == "execute_reply":
                reply = True
                status = m["content"].get("status")
        return {"status": status, "seconds": time.perf_counter() - t0, "first_output_seconds": first,
                "outputs": outputs, "error": error}

    async def close(self):
        if self.ws is not None:
            self.ws.close()
        if self.kernel_id:
            try:
                self.hub.api("DELETE", f"/user/{self.name}/api/kernels/{self.kernel_id}", token=self.token)
            except urllib.error.HTTPError:
                pass


async def run_notebook(hub, name, token, cells, timeout=300):
    """Runs code cells in order in a fresh kernel of the student's server; stops at the first error.
    Returns per-cell results and the time from the kernel request to the first cell's result."""
    t0 = time.perf_counter()
    k = await KernelSession(hub, name, token).open()
    opened = time.perf_counter() - t0
    results = []
    try:
        for code in cells:
            r = await k.execute(code, timeout=timeout)
            results.append(r)
            if r["status"] != "ok":
                break
    finally:
        await k.close()
    first = opened + results[0]["seconds"] if results else None
    return {"cells": results, "seconds": time.perf_counter() - t0, "first_result_seconds": first}


def code_cells(path):
    with open(path) as f:
        nb = json.load(f)
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_class(repo, hub_root, class_file, log, env=None, timeout=240):
    """Starts `scripts/hub.sh --class class_file` on a free loopback port in its own process group (the
    hub's API port is another free port); waits until the hub answers. Returns (process, url)."""
    port = free_port()
    env = dict(env or os.environ, LATENT_HUB_API_PORT=str(free_port()))
    proc = subprocess.Popen(["bash", "scripts/hub.sh", "--class", class_file, "--root", hub_root, "--port", str(port)],
                            cwd=repo, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/hub/api", timeout=5).read()
            return proc, url
        except Exception:
            if proc.poll() is not None:
                raise RuntimeError(f"the hub exited with {proc.returncode}; see {getattr(log, 'name', 'its log')}")
            time.sleep(0.5)
    raise TimeoutError(f"the hub did not answer in {timeout} s")


def stop_class(proc, users, wait=60):
    """Stops a hub from start_class (SIGTERM to its process group: the hub stops the students' servers and
    the proxy), then ends what the students still run and removes their accounts and homes."""
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    for u in users:
        subprocess.run(["pkill", "-KILL", "-u", u], capture_output=True)
    time.sleep(0.5)
    for u in users:
        subprocess.run(["userdel", "-r", u], capture_output=True)


# scripts/hub.sh closes these checkout folders to students while a class runs; tests and benchmarks put
# their modes back afterwards (a sandboxed grading kernel reads build/ as an unprivileged user).
CLOSED_WHILE_TEACHING = ("notebooks/exercises", "build")


def folder_modes(repo):
    """The modes of the folders hub.sh closes, to give restore_modes."""
    return {os.path.join(repo, f): os.stat(os.path.join(repo, f)).st_mode & 0o7777
            for f in CLOSED_WHILE_TEACHING if os.path.isdir(os.path.join(repo, f))}


def restore_modes(modes):
    for path, mode in modes.items():
        if os.path.isdir(path):
            os.chmod(path, mode)
