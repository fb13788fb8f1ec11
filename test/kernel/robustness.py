"""The kernel survives what students do: exceptions, rejected promises, type errors, infinite loops and
long awaits stopped by interrupt; restart works; a notebook outside the repository still has Node's
types, top-level await and `latent-lab`. Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel.test.ts)."""
import os
import tempfile
import threading
import time
import unittest

from jupyter_client.manager import start_new_kernel

TIMEOUT = 30


def run(kc, code, timeout=TIMEOUT):
    """Executes code; returns (reply content, list of iopub (msg_type, content)) for that request."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append((msg["msg_type"], msg["content"]))
    return reply["content"], outputs


def text_of(outputs):
    parts = []
    for kind, content in outputs:
        if kind == "stream":
            parts.append(content["text"])
        elif kind == "execute_result":
            parts.append(content["data"]["text/plain"])
    return "".join(parts)


class KernelRobustness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cwd = tempfile.mkdtemp(prefix="latent-lab-outside-")
        cls.km, cls.kc = start_new_kernel(kernel_name="latent-lab", cwd=cls.cwd)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def assert_alive(self, marker):
        reply, out = run(self.kc, f'console.log("alive {marker}", process.pid)')
        self.assertEqual(reply["status"], "ok")
        self.assertIn(f"alive {marker} {self.pid}", text_of(out))

    def setUp(self):
        reply, out = run(self.kc, "process.pid")
        self.assertEqual(reply["status"], "ok")
        self.pid = int(text_of(out))

    def test_outside_repository_has_node_types_await_and_library(self):
        reply, out = run(self.kc, 'import * as ll from "latent-lab";\nconst n: number = await Promise.resolve(41);\nconsole.log(process.cwd(), typeof ll.display, n + 1)')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertIn(f"{os.path.realpath(self.cwd)} function 42", text_of(out))

    def test_exception_then_state_survives(self):
        run(self.kc, "let kept = 7")
        reply, out = run(self.kc, 'throw new RangeError("bad index")')
        self.assertEqual(reply["status"], "error")
        self.assertEqual((reply["ename"], reply["evalue"]), ("RangeError", "bad index"))
        errors = [c for k, c in out if k == "error"]
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0]["traceback"])
        reply, out = run(self.kc, "kept * 6")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "42"))

    def test_next_request_right_after_an_error_is_not_aborted(self):
        run(self.kc, 'throw new Error("first")')
        reply, out = run(self.kc, "1 + 1")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "2"))

    def test_rejected_promise(self):
        reply, _ = run(self.kc, 'await Promise.reject(new TypeError("nope"))')
        self.assertEqual((reply["status"], reply["ename"], reply["evalue"]), ("error", "TypeError", "nope"))
        reply, out = run(self.kc, 'Promise.reject(new Error("floating")); await new Promise(r => setTimeout(r, 50)); 3')
        self.assertEqual(reply["status"], "ok")
        self.assertIn("floating", text_of(out))
        self.assert_alive("after rejection")

    def test_type_error(self):
        reply, out = run(self.kc, 'const s: number = "text";')
        self.assertEqual((reply["status"], reply["ename"]), ("error", "TypeScriptError"))
        self.assertIn("not assignable", reply["evalue"])
        self.assert_alive("after type error")

    def interrupt_after(self, seconds):
        threading.Timer(seconds, self.km.interrupt_kernel).start()

    def test_infinite_loop_interrupted(self):
        self.interrupt_after(1.5)
        t = time.time()
        reply, _ = run(self.kc, "while (true) {}")
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"))
        self.assertLess(time.time() - t, 10)
        self.assert_alive("after loop")

    def test_long_await_interrupted(self):
        self.interrupt_after(1.5)
        t = time.time()
        reply, _ = run(self.kc, "await new Promise(r => setTimeout(r, 60000))")
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"))
        self.assertLess(time.time() - t, 10)
        self.assert_alive("after await")

    def test_zz_restart(self):
        run(self.kc, "(globalThis as any).beforeRestart = 1")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=TIMEOUT)
        reply, out = run(self.kc, "(globalThis as any).beforeRestart === undefined ? process.pid : -1")
        self.assertEqual(reply["status"], "ok")
        self.assertNotIn(int(text_of(out)), (-1, self.pid))


if __name__ == "__main__":
    unittest.main(verbosity=2)
