"""Protocol details a front end relies on: language_info (with pygments_lexer) equal to what the lecture
notebooks save, so opening one does not mark it modified; ROUTER_HANDOVER (a client reconnecting with the
same identity gets the replies); ipywidgets 8's control comm answering request_states with every live
widget's state; stdin (`await ll.input(prompt)` and the standard, synchronous `prompt()` send input_request, a clear error
when stdin is not allowed, an interrupt ends a waiting prompt()); a cell interrupted while it compiles ends
at once; cells queued before an error reply are aborted; Shift-Tab on an unknown name says so; TypeScript
messages name the library `ll`. The trivial-cell round trip is printed, not asserted.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts)."""
import glob
import json
import os
import re
import time
import unittest

from harness import IMPORT_LL, KernelSuite, iopub_until_idle, reply_to, send_shell
import harness  # test/kernel/harness.py (the script's folder is on sys.path)

TIMEOUT = harness.TIMEOUT
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(kc, code, **kw):
    return harness.execute(kc, code, TIMEOUT, **kw)


class Protocol(KernelSuite):
    PRELUDE = IMPORT_LL

    def test_language_info_matches_the_notebooks(self):
        info = reply_to(self.kc, self.kc.kernel_info())["content"]["language_info"]
        self.assertEqual(info["pygments_lexer"], "typescript")
        for path in sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb"))):
            with open(path, encoding="utf-8") as f:
                saved = json.load(f)["metadata"].get("language_info")
            self.assertEqual(saved, info, os.path.basename(path))

    def test_widget_control_comm_sends_every_state(self):
        reply, out = run(self.kc, "const slider = ll.widgets.intSlider({ value: 3, min: 0, max: 10 });\nslider")
        self.assertEqual(reply["status"], "ok", reply)
        opened = [m["content"] for m in out if m["msg_type"] == "comm_open"]
        model = next(c["comm_id"] for c in opened if c["data"]["state"].get("_model_name") == "IntSliderModel")
        # The front end moves the slider, then a reloaded page asks for every state.
        msg_id = send_shell(self.kc, "comm_msg", {"comm_id": model, "data": {"method": "update", "state": {"value": 7}}})
        iopub_until_idle(self.kc, msg_id)
        msg_id = send_shell(self.kc, "comm_open", {"comm_id": "control-1", "target_name": "jupyter.widget.control", "data": {}})
        iopub_until_idle(self.kc, msg_id)
        msg_id = send_shell(self.kc, "comm_msg", {"comm_id": "control-1", "data": {"method": "request_states"}})
        out = iopub_until_idle(self.kc, msg_id)
        sent = [m["content"] for m in out if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == "control-1"]
        self.assertEqual(len(sent), 1, out)
        data = sent[0]["data"]
        self.assertEqual(data["method"], "update_states")
        self.assertEqual(data["states"][model]["model_name"], "IntSliderModel")
        self.assertEqual(data["states"][model]["state"]["value"], 7)
        # Every widget model the kernel opened (the slider's layout and style too) is there.
        self.assertTrue({c["comm_id"] for c in opened} <= set(data["states"]), (opened, data["states"].keys()))

    def test_stdin_round_trip(self):
        msg_id = self.kc.execute('const answer = await ll.input("your name: ");\n`hello ${answer}`', allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(request["msg_type"], "input_request")
        self.assertEqual(request["content"]["prompt"], "your name: ")
        self.kc.input("Ada")
        self.assertEqual(reply_to(self.kc, msg_id)["content"]["status"], "ok")
        out = iopub_until_idle(self.kc, msg_id)
        self.assertEqual([m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"], ["'hello Ada'"])

    def test_standard_prompt_round_trip(self):
        # The browser's prompt(), synchronous: the cell's code goes on with the answer, no await.
        msg_id = self.kc.execute('console.log("before");\nconst who = prompt("who? ");\nconsole.log("after");\n`hi ${who.toUpperCase()}`', allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual((request["msg_type"], request["content"]["prompt"], request["content"]["password"]), ("input_request", "who? ", False))
        self.kc.input("grace")
        out = iopub_until_idle(self.kc, msg_id)
        self.assertEqual(reply_to(self.kc, msg_id)["content"]["status"], "ok")
        self.assertEqual("".join(m["content"]["text"] for m in out if m["msg_type"] == "stream"), "before\nafter\n")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"], ["'hi GRACE'"])

    def test_standard_prompt_is_interruptible_and_refused_without_stdin(self):
        msg_id = self.kc.execute('let asked = 1;\nconst never = prompt("waiting: ");', allow_stdin=True)
        self.assertEqual(self.kc.get_stdin_msg(timeout=TIMEOUT)["msg_type"], "input_request")
        self.km.interrupt_kernel()
        iopub_until_idle(self.kc, msg_id)
        content = reply_to(self.kc, msg_id)["content"]
        self.assertEqual((content["status"], content["ename"]), ("error", "Interrupted"), content)
        reply, _ = run(self.kc, 'prompt("x? ")', allow_stdin=False)
        self.assertEqual(reply["status"], "error")
        self.assertIn("prompt: this front end does not accept input", reply["evalue"])
        reply, out = run(self.kc, "asked + 1")
        self.assertEqual((reply["status"], [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]), ("ok", ["2"]))

    def test_compiling_is_interruptible(self):
        # 30,000 lines took about a minute to compile; an interrupt ends the cell at once, the notebook's
        # declarations survive, and the next cell compiles (in a new compiler thread).
        run(self.kc, "const keptAcrossCompile = 41;")
        code = "\n".join(f"const big{i}: number = {i} * 2;" for i in range(30000))
        msg_id = self.kc.execute(code)
        time.sleep(2)
        t = time.perf_counter()
        self.km.interrupt_kernel()
        content = reply_to(self.kc, msg_id)["content"]
        seconds = time.perf_counter() - t
        iopub_until_idle(self.kc, msg_id)
        self.assertEqual((content["status"], content.get("ename")), ("error", "Interrupted"), content)
        self.assertLess(seconds, 10, "the interrupt waited for the compiler")
        reply, out = run(self.kc, "keptAcrossCompile + 1")
        self.assertEqual((reply["status"], [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]), ("ok", ["42"]))
        print(f"\ninterrupt while compiling 30,000 lines answered in {seconds:.2f} s", flush=True)

    def test_stdin_not_allowed_is_a_clear_error(self):
        reply, _ = run(self.kc, 'await ll.input("x? ")', allow_stdin=False)
        self.assertEqual(reply["status"], "error")
        self.assertIn("does not accept input", reply["evalue"])

    def test_cells_sent_before_an_error_reply_are_aborted(self):
        first = self.kc.execute('await new Promise((r) => setTimeout(r, 200));\nthrow new Error("stop here")')
        second = self.kc.execute("1 + 1")
        self.assertEqual(reply_to(self.kc, first)["content"]["status"], "error")
        self.assertEqual(reply_to(self.kc, second)["content"]["status"], "aborted")
        # Sent after the error reply arrived: runs.
        reply, _ = run(self.kc, "2 + 2")
        self.assertEqual(reply["status"], "ok")

    def test_inspecting_an_unknown_name_says_so(self):
        msg_id = self.kc.inspect("noSuchThing", 5)
        content = reply_to(self.kc, msg_id)["content"]
        self.assertFalse(content["found"], content)
        self.assertIn("noSuchThing: no such name here", content["data"]["text/plain"])

    def test_type_messages_name_the_library_ll(self):
        reply, _ = run(self.kc, "const n: number = ll;")
        self.assertEqual(reply["status"], "error")
        self.assertIn("typeof ll", reply["evalue"])
        self.assertNotIn("dist/src/index", reply["evalue"])

    def test_z_router_handover(self):
        # Two new clients with one identity, as a front end that reconnects (a reloaded page) has: the
        # second one takes the routing over and gets its replies.
        identity = "handover-" + str(time.time())
        first, second = self.km.client(), self.km.client()
        first.session.session = second.session.session = identity
        first.start_channels()
        try:
            self.assertEqual(reply_to(first, first.execute("6 * 7"))["content"]["status"], "ok")
            second.start_channels()
            time.sleep(0.5)  # the second connection is made in the background
            self.assertEqual(reply_to(second, second.execute("6 * 8"))["content"]["status"], "ok")
        finally:
            first.stop_channels()
            second.stop_channels()

    def test_trivial_cell_round_trip(self):
        run(self.kc, "1")
        times = []
        for _ in range(20):
            t = time.perf_counter()
            run(self.kc, "1")
            times.append(time.perf_counter() - t)
        times.sort()
        print(f"\ntrivial cell round trip after importing the library: median {1000 * times[10]:.1f} ms", flush=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
