"""The kernel survives what students do: exceptions, rejected promises nobody awaited, throws in timers,
process.exit(), type errors, infinite loops anywhere (a cell, a called function, a timer callback, a promise
continuation) and long awaits stopped by interrupt, all before and after Latent Lab's wasm backend loads;
declarations made before an error or an interrupt survive; errors point at the student's own line;
restart works; a notebook outside the repository still has Node's types, top-level await and `latent-lab`.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel.test.ts)."""
import os
import tempfile
import threading
import time
import unittest

from harness import KernelSuite, plain, reply_to, text_of
import harness  # test/kernel/harness.py (the script's folder is on sys.path)

TIMEOUT = 60


def run(kc, code, timeout=TIMEOUT):
    return harness.run(kc, code, timeout)


class KernelRobustness(KernelSuite):
    CWD = tempfile.mkdtemp(prefix="latent-lab-outside-")

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
        self.assertIn(f"{os.path.realpath(self.CWD)} function 42", text_of(out))

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
        # A rejection nobody awaited fails the cell it happened in, with its own message.
        reply, out = run(self.kc, 'Promise.reject(new Error("floating")); await new Promise(r => setTimeout(r, 50)); 3')
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Error"))
        self.assertIn("floating", reply["evalue"])
        self.assertIn("unhandled promise rejection", reply["evalue"])
        self.assert_alive("after rejection")

    def test_faults_after_wasm_backend_loaded(self):
        """tfjs-backend-wasm installs handlers that rethrow (exit code 7 before): the kernel must outlive them."""
        reply, out = run(self.kc, 'import * as ll from "latent-lab";\nawait ll.ready();', timeout=120)
        self.assertEqual(reply["status"], "ok", reply)
        reply, _ = run(self.kc, 'Promise.reject(new Error("after ready")); await new Promise(r => setTimeout(r, 50))')
        self.assertEqual(reply["status"], "error")
        self.assertIn("after ready", reply["evalue"])
        self.assert_alive("after rejection with wasm")
        reply, _ = run(self.kc, 'setTimeout(() => { throw new RangeError("timer throw") }, 5); await new Promise(r => setTimeout(r, 100))')
        self.assertEqual((reply["status"], reply["ename"]), ("error", "RangeError"))
        self.assert_alive("after timer throw with wasm")
        # Outside any cell: reported on stderr of the last cell, the kernel goes on.
        reply, _ = run(self.kc, 'setTimeout(() => Promise.reject(new Error("late one")), 300); 1')
        self.assertEqual(reply["status"], "ok")
        time.sleep(0.8)
        reply, out = run(self.kc, '2')
        self.assertEqual(reply["status"], "ok")
        self.assert_alive("after late rejection")

    def test_process_exit_is_intercepted(self):
        run(self.kc, "let keptThroughExit = 5")
        reply, _ = run(self.kc, "process.exit(0)")
        self.assertEqual((reply["status"], reply["ename"]), ("error", "ExitIntercepted"))
        self.assertIn("keeps running", reply["evalue"])
        reply, out = run(self.kc, "keptThroughExit")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "5"))

    def test_runtime_error_points_at_the_students_line(self):
        code = 'function check(x: number) {\n  if (x > 2) throw new RangeError("too big");\n  return x;\n}\nconst y = 1;\ncheck(y + 5);'
        reply, _ = run(self.kc, code)
        self.assertEqual((reply["status"], reply["ename"]), ("error", "RangeError"))
        tb = plain(reply["traceback"])
        self.assertRegex(tb, r"Cell In\[\d+\], line 6\n(.*\n)*----> 6 check\(y \+ 5\);")
        self.assertRegex(tb, r"Cell In\[\d+\], line 2, in check\n(.*\n)*----> 2   if \(x > 2\) throw")
        self.assertNotIn("evalmachine", tb)
        self.assertTrue(tb.rstrip().endswith("RangeError: too big"), tb)

    def test_library_error_shows_the_students_line_first(self):
        code = 'import * as ll from "latent-lab";\nconst scale = -1;\nconst n = new ll.Normal(0, scale);'
        reply, _ = run(self.kc, code, timeout=120)
        self.assertEqual(reply["status"], "error")
        tb = plain(reply["traceback"])
        self.assertRegex(tb, r"----> 3 const n = new ll.Normal\(0, scale\);")
        self.assertRegex(tb, r"frames? inside Latent Lab")
        self.assertNotIn("node_modules/@tensorflow", tb)

    def test_type_error_shows_line_and_caret(self):
        reply, _ = run(self.kc, 'const fine = 1;\nconst s: number = "text";')
        self.assertEqual((reply["status"], reply["ename"]), ("error", "TypeScriptError"))
        self.assertIn("line 2", reply["evalue"])
        tb = plain(reply["traceback"])
        self.assertIn('----> 2 const s: number = "text";', tb)
        self.assertRegex(tb, r"\n {14}\^\n")  # under the `s`

    def test_shift_tab_inside_a_call_shows_the_function(self):
        code = "Math.max(1, "
        reply = reply_to(self.kc, self.kc.inspect(code, len(code)), timeout=TIMEOUT)
        self.assertTrue(reply["content"]["found"], reply["content"])
        self.assertIn("max(...values: number[]): number", reply["content"]["data"]["text/plain"])

    def test_double_underscore_names(self):
        reply, out = run(self.kc, "const __hidden = 21;\nfunction twice() { return __hidden * 2; }\n{ const y = __hidden; }\ntwice()")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "42"), reply)

    def test_shorthand_property_of_an_earlier_cells_variable(self):
        # `{ family }` names the property, so tslab left the variable unrewritten: "family is not defined".
        reply, _ = run(self.kc, "const family = 'gaussian';\nconst samples = 4;")
        self.assertEqual(reply["status"], "ok", reply)
        reply, out = run(self.kc, "const options = () => ({ family, samples, extra: 1 });\nJSON.stringify([options(), { family }])")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "'[{\"family\":\"gaussian\",\"samples\":4,\"extra\":1},{\"family\":\"gaussian\"}]'"), reply)

    def test_declarations_survive_an_error(self):
        reply, _ = run(self.kc, 'const model = { trained: true };\nlet steps = 3;\nthrow new Error("late");\nlet never = 1;')
        self.assertEqual(reply["status"], "error")
        reply, out = run(self.kc, "model.trained && steps === 3")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "true"), reply)

    def test_type_error(self):
        reply, out = run(self.kc, 'const s: number = "text";')
        self.assertEqual((reply["status"], reply["ename"]), ("error", "TypeScriptError"))
        self.assertIn("not assignable", reply["evalue"])
        self.assert_alive("after type error")

    def interrupt_after(self, seconds):
        threading.Timer(seconds, self.km.interrupt_kernel).start()

    def assert_interrupted(self, code, marker):
        self.interrupt_after(1.0)
        t = time.time()
        reply, _ = run(self.kc, code)
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"), reply)
        self.assertLess(time.time() - t, 10)
        self.assert_alive(marker)

    def test_infinite_loop_interrupted_keeps_earlier_declarations(self):
        self.assert_interrupted("const trainedModel = { epochs: 3 };\nwhile (true) {}\nconst after = 1;", "after loop")
        reply, out = run(self.kc, "trainedModel.epochs")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "3"), reply)

    def test_loop_in_called_function_interrupted(self):
        run(self.kc, "function spinForever() { let i = 0; while (true) { i++; } }")
        self.assert_interrupted("spinForever()", "after called loop")

    def test_loop_in_promise_continuation_interrupted(self):
        self.assert_interrupted("await null;\nwhile (true) {}", "after continuation loop")
        self.assert_interrupted("Promise.resolve().then(() => { while (true) {} });\nawait new Promise(r => setTimeout(r, 60000))", "after then loop")

    def test_loop_in_timer_callback_interrupted(self):
        reply, _ = run(self.kc, "setTimeout(() => { while (true) {} }, 20); 1")
        self.assertEqual(reply["status"], "ok")
        time.sleep(0.3)
        # The loop holds the main thread: the next cell waits until the user interrupts.
        threading.Timer(1.0, self.km.interrupt_kernel).start()
        t = time.time()
        reply, out = run(self.kc, "2")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertIn("stopped code that ran outside a cell", text_of(out))
        self.assertTrue(text_of(out).endswith("2"))
        self.assertLess(time.time() - t, 10)
        self.assert_alive("after timer loop")

    def test_long_await_interrupted(self):
        self.assert_interrupted("await new Promise(r => setTimeout(r, 60000))", "after await")

    def test_kernel_ends_with_its_launcher(self):
        import json
        import signal
        import subprocess
        import sys
        spec = json.load(open(os.path.join(os.environ["JUPYTER_PATH"], "kernels", "latent-lab", "kernel.json")))
        conn = os.path.join(self.CWD, "orphan-connection.json")
        json.dump({"transport": "tcp", "ip": "127.0.0.1", "key": "k", "signature_scheme": "hmac-sha256",
                   "shell_port": 0, "iopub_port": 0, "control_port": 0, "stdin_port": 0, "hb_port": 0}, open(conn, "w"))
        argv = [a.replace("{connection_file}", conn) for a in spec["argv"]]
        # A launcher that starts the kernel, prints its pid and dies at once.
        launcher = subprocess.run([sys.executable, "-c",
                                   "import subprocess, sys, time; p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, "
                                   "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(p.pid); time.sleep(3)", *argv],
                                  capture_output=True, text=True, timeout=30)
        pid = int(launcher.stdout.strip())
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
        self.fail("the kernel outlived its launcher")

    def test_zz_restart(self):
        run(self.kc, "(globalThis as any).beforeRestart = 1")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=TIMEOUT)
        reply, out = run(self.kc, "(globalThis as any).beforeRestart === undefined ? process.pid : -1")
        self.assertEqual(reply["status"], "ok")
        self.assertNotIn(int(text_of(out)), (-1, self.pid))


if __name__ == "__main__":
    unittest.main(verbosity=2)
