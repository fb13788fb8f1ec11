"""What the kernel suites share: starting a kernel, executing a cell through jupyter_client and collecting its
iopub messages up to its idle status, messages a front end sends (comms), and reading outputs as text.
Each suite is a KernelSuite (one kernel for the class, an optional first cell), or uses start()/stop()."""
import re
import time
import unittest

from jupyter_client.manager import KernelManager

TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;]*m")
IMPORT_LL = 'import * as ll from "latent-lab";'
READY_LL = 'import * as ll from "latent-lab";\nawait ll.ready();'


def start(heap_mb=None, cwd=None, timeout=TIMEOUT, kernel_name="latent-lab", env=None):
    """A running kernel (latent-lab unless named) and a client with its channels started and the kernel ready
    (it has answered kernel_info); stopped again if it never is. bench/kernel_startup.py starts its kernels here."""
    km = KernelManager(kernel_name=kernel_name)
    if heap_mb:
        # After NODE_OPTIONS (the kernelspec's default limit): the command line wins.
        km.kernel_spec.argv.insert(1, f"--max-old-space-size={heap_mb}")
    km.start_kernel(**({"cwd": cwd} if cwd else {}), **({"env": env} if env is not None else {}))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
    except BaseException:
        stop(km, kc)
        raise
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def reply_to(kc, msg_id, channel="shell", timeout=TIMEOUT):
    """The reply to request msg_id on the shell (or control) channel; other replies are skipped."""
    get = kc.get_shell_msg if channel == "shell" else kc.get_control_msg
    while True:
        msg = get(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    """The iopub messages of request msg_id up to its idle status (busy left out); raises, naming what came, after timeout s."""
    out, deadline = [], time.time() + timeout
    while True:
        left = deadline - time.time()
        if left <= 0:
            kinds = {}
            for m in out:
                kinds[m["msg_type"]] = kinds.get(m["msg_type"], 0) + 1
            raise AssertionError(f"no idle status after {timeout} s; received {kinds}")
        try:
            msg = kc.get_iopub_msg(timeout=min(left, 10))
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return out
            continue
        out.append(msg)


def execute(kc, code, timeout=TIMEOUT, **kw):
    """Executes code; returns (reply content, [iopub messages] up to its idle status). Reads iopub first:
    a burst of outputs left waiting while the reply is awaited would overflow the client's receive queue."""
    msg_id = kc.execute(code, **kw)
    out = iopub_until_idle(kc, msg_id, timeout)
    return reply_to(kc, msg_id, timeout=timeout)["content"], out


def run(kc, code, timeout=TIMEOUT, **kw):
    """Executes code; returns (reply content, [(msg_type, content)] of iopub up to its idle status)."""
    reply, out = execute(kc, code, timeout, **kw)
    return reply, [(m["msg_type"], m["content"]) for m in out]


def send_shell(kc, msg_type, content, buffers=None):
    """Sends a shell message as a front end does (a comm message, a comm_info request); returns its msg_id."""
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers or [])
    return msg["header"]["msg_id"]


def text_of(outputs):
    """Streams and execute results of [(msg_type, content)], as one string."""
    return "".join(c["text"] if k == "stream" else c["data"]["text/plain"] if k == "execute_result" else ""
                   for k, c in outputs)


def plain(traceback):
    """A traceback (a list of lines, or an error reply) as the student reads it, without colours."""
    lines = traceback.get("traceback", []) if isinstance(traceback, dict) else traceback
    return ANSI.sub("", "\n".join(lines))


class KernelSuite(unittest.TestCase):
    """One kernel for the whole class: PRELUDE runs first (it must succeed); HEAP_MB and CWD as start() takes them."""
    PRELUDE = None
    HEAP_MB = None
    CWD = None

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start(heap_mb=cls.HEAP_MB, cwd=cls.CWD)
        if cls.PRELUDE:
            reply, _ = run(cls.kc, cls.PRELUDE)
            if reply["status"] != "ok":
                stop(cls.km, cls.kc)
                raise AssertionError(f"the suite's first cell failed: {reply}")

    @classmethod
    def tearDownClass(cls):
        stop(cls.km, cls.kc)
