"""What a cell leaves behind, and the kernel's life: an interrupt stops what the interrupted cell started
(an `await` loop, an interval, a promise chain on timers, a training loop) and nothing prints afterwards; a
traceback names the student's line however deep TensorFlow.js is, and folds a 10,000-deep recursion; a
top-level `for await` runs; a cell that fills the heap ends with a MemoryError and the kernel lives on; a
restart is not intercepted by the kernel's own process.exit guard. Timings are printed, never asserted.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts)."""
import threading
import time
import unittest

from harness import READY_LL, KernelSuite, plain, run, start, stop, text_of
import harness  # test/kernel/harness.py (the script's folder is on sys.path)

TIMEOUT = harness.TIMEOUT


class Lifecycle(KernelSuite):
    PRELUDE = READY_LL
    HEAP_MB = 384

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
        reply, _ = run(self.kc, "const digits = ll.loadMnist('test');\nconst vae = new ll.VAE(ll.rng(0), { inputDim: 784, latentDim: 2, hiddenDim: 32 });")
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

    def test_7b_a_single_huge_allocation_is_an_error_and_the_kernel_lives(self):
        # One allocation far beyond the machine's memory (32 GB of doubles, 40 GB of float32 in a tensor, a
        # string past V8's limit): the cell fails with a clear error, the same kernel answers the next cell.
        reply, out = run(self.kc, "process.pid")
        pid = text_of(out)
        for code, expected in [("const huge = new Float64Array(4e9);", "MemoryError"),
                               ("const hugeTensor = ll.tf.zeros([1e5, 1e5]);", "MemoryError"),
                               ("const longText = 'x'.repeat(2 ** 30);", "MemoryError")]:
            reply, out = run(self.kc, code)
            self.assertEqual((reply["status"], reply.get("ename")), ("error", expected), (code, reply))
            self.assertRegex(reply["evalue"], r"(GB|MB)", (code, reply["evalue"]))
            reply, out = run(self.kc, "process.pid")
            self.assertEqual((reply["status"], text_of(out)), ("ok", pid), code)
        reply, out = run(self.kc, "ll.tf.ones([2, 2]).sum().dataSync()[0]")
        self.assertEqual((reply["status"], text_of(out)), ("ok", "4"), reply)

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
            stop(km, kc)

    def test_9_shutdown_ends_the_process_cleanly_every_time(self):
        # The I/O thread waits for its sockets' receive loops to settle before the process exits (not a fixed
        # 100 ms); an exit with a receive still pending aborts in zeromq's finalizers (SIGABRT, return code -6).
        # Ten shutdowns, half of them right after the library's import, each must end with exit code 0.
        codes = []
        for i in range(10):
            km, kc = start()
            try:
                run(kc, 'import * as ll from "latent-lab"; await ll.ready();' if i % 2 else "1 + 1")
                process = km.provisioner.process
                kc.shutdown()
                process.wait(timeout=TIMEOUT)
                codes.append(process.returncode)
            finally:
                kc.stop_channels()
                km.cleanup_resources()
        self.assertEqual(codes, [0] * 10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
