"""What a cell leaves behind, and the kernel's life: an interrupt stops what the interrupted cell started
(an `await` loop, an interval, a promise chain on timers, a training loop) and nothing prints afterwards; a
traceback names the student's line however deep TensorFlow.js is, and folds a 10,000-deep recursion; a
top-level `for await` runs; a cell that fills the heap ends with a MemoryError and the kernel lives on; a
restart is not intercepted by the kernel's own process.exit guard. Timings are printed, never asserted.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts)."""
import re
import threading
import time
import unittest

import harness  # test/kernel/harness.py (the script's folder is on sys.path)

from jupyter_client.manager import KernelManager

TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(kc, code, timeout=TIMEOUT):
    """Executes code; returns (reply content, [(msg_type, content)] of iopub up to its idle status)."""
    return harness.run(kc, code, timeout)

def text_of(out):
    return "".join(c["text"] if k == "stream" else c["data"]["text/plain"] if k == "execute_result" else "" for k, c in out)


def plain(reply):
    return ANSI.sub("", "\n".join(reply.get("traceback", [])))


def start(heap_mb=None):
    km = KernelManager(kernel_name="latent-lab")
    if heap_mb:
        # After NODE_OPTIONS (the kernelspec's default limit): the command line wins.
        km.kernel_spec.argv.insert(1, f"--max-old-space-size={heap_mb}")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


class Lifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start(heap_mb=384)
        reply, _ = run(cls.kc, 'import * as ll from "latent-lab";\nawait ll.ready();')
        assert reply["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def interrupted(self, code, after=1.0):
        threading.Timer(after, self.km.interrupt_kernel).start()
        reply, out = run(self.kc, code)
        self.assertEqual((reply["status"], reply.get("ename")), ("error", "Interrupted"), reply)
        return reply, out

    def assert_stays(self, counter, printed_marker=None):
        """`counter` stops rising, and the cells after the interrupt get no output from the loop."""
        reply, out = run(self.kc, f"const before_{counter} = {counter};\nawait new Promise((r) => setTimeout(r, 400));\n{counter} - before_{counter}")
        self.assertEqual((reply["status"], out[-1][1]["data"]["text/plain"]), ("ok", "0"), out)
        if printed_marker:
            self.assertNotIn(printed_marker, text_of(out))

    def test_1_await_loop_stops(self):
        run(self.kc, "let step = 0;")
        reply, out = self.interrupted('for (;;) { await ll.tf.nextFrame(); step++; if (step % 1000 === 0) console.log("frame", step); }')
        # One clean line: no frame of the kernel's own (the interrupt arrived through a worker).
        self.assertEqual(plain(reply).strip().count("\n"), 0, plain(reply))
        self.assertNotIn("Interrupted: Interrupted", plain(reply))
        self.assertNotIn("node:events", plain(reply))
        self.assert_stays("step", "frame")

    def test_2_interval_and_timer_chain_stop(self):
        run(self.kc, "let ticks = 0, links = 0;")
        code = ('setInterval(() => { ticks++; console.log("tick", ticks); }, 5);\n'
                'const chain = (): Promise<void> => new Promise<void>((r) => setTimeout(r, 5)).then(() => { links++; console.log("link"); return chain(); });\n'
                'chain();\n'
                'await new Promise((r) => setTimeout(r, 60000));')
        self.interrupted(code)
        self.assert_stays("ticks", "tick")
        self.assert_stays("links", "link")

    def test_3_training_loop_stops(self):
        # The step loop every trainer shares (ll.data.stepBatches), awaited between steps as ll.fit's
        # progress does, and ll.fit itself.
        run(self.kc, "let trained = 0;")
        self.interrupted('const r = ll.rng(0);\n'
                         'for (const idx of ll.data.stepBatches(r, 1000, 10, 1_000_000)) { trained += idx.length; await ll.tf.nextFrame(); }')
        self.assert_stays("trained")
        reply, _ = run(self.kc, "const digits = ll.loadMnist('test');\nconst vae = new ll.VAE({ inputDim: 784, latentDim: 2, hiddenDim: 32 });")
        self.assertEqual(reply["status"], "ok", reply)
        reply, out = self.interrupted("await ll.fit(vae, digits, { epochs: 1000, seed: 0, progress: false });", after=3.0)
        reply, out = run(self.kc, "await new Promise((r) => setTimeout(r, 300));\nll.tf.memory().numTensors")
        self.assertEqual(reply["status"], "ok", reply)
        n = int(out[-1][1]["data"]["text/plain"])
        reply, out = run(self.kc, "await new Promise((r) => setTimeout(r, 300));\nll.tf.memory().numTensors")
        self.assertEqual(int(out[-1][1]["data"]["text/plain"]), n, "tensors still being made after the interrupt")

    def test_4_tensorflow_error_names_the_cell_line(self):
        reply, _ = run(self.kc, "function reshapeIt(t: ll.tf.Tensor) {\n  return t.reshape([3, 5]);\n}\nconst y = reshapeIt(ll.tf.ones([2, 2]));")
        self.assertEqual(reply["status"], "error")
        text = plain(reply)
        self.assertRegex(text, r"Cell In\[\d+\], line 4")
        self.assertRegex(text, r"Cell In\[\d+\], line 2, in reshapeIt")
        self.assertNotIn("node_modules", text)

    def test_5_deep_recursion_is_folded(self):
        reply, _ = run(self.kc, "function f(n: number): number {\n  if (n === 0) throw new Error(\"bottom\");\n  return f(n - 1) + 1;\n}\nf(10000)")
        self.assertEqual((reply["status"], reply["evalue"]), ("error", "bottom"))
        text = plain(reply)
        self.assertIn("… 9,999 more calls of f", text)
        self.assertLess(text.count("Cell In["), 6, text[:2000])

    def test_6_top_level_for_await(self):
        reply, out = run(self.kc, "async function* countTo(n: number) { for (let i = 1; i <= n; i++) yield i; }\n"
                                  "let total = 0;\nfor await (const v of countTo(4)) total += v;\ntotal")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "10"), reply)

    def test_7_heap_blow_up_is_an_error_and_the_kernel_lives(self):
        reply, out = run(self.kc, "const hog: number[][] = [];\nfor (;;) hog.push(new Array(100_000).fill(Math.random()));")
        self.assertEqual((reply["status"], reply.get("ename")), ("error", "MemoryError"), reply)
        self.assertIn("MB heap", reply["evalue"])
        reply, out = run(self.kc, "hog.length = 0;\n6 * 7")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "42"), reply)

    def test_8_restart_is_not_intercepted(self):
        km, kc = start()
        try:
            run(kc, "1 + 1")
            process = km.provisioner.process
            t = time.time()
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=TIMEOUT)
            reply, out = run(kc, "1 + 1")
            seconds = time.time() - t
            self.assertEqual((reply["status"], text_of(out)), ("ok", "2"))
            # The old kernel ended itself (exit code 0), not by the 3-second SIGKILL of a stuck shutdown.
            self.assertEqual(process.returncode, 0)
            print(f"\nrestart -> first result: {seconds:.2f} s", flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
