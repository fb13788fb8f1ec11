"""Bursts on iopub: nothing is lost, whatever a cell publishes in a hurry. ZMQ's PUB socket drops what
exceeds its send high-water mark (1,000 messages by default); 10,000 displays in a loop used to lose about
3,000 of them and, at times, the execute result and the final idle status. Here every display, update,
stream and result arrives, in order, and the cell ends idle. Completeness and order are asserted, never speed.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts)."""
import time
import unittest

from harness import READY_LL, KernelSuite
import harness  # test/kernel/harness.py (the script's folder is on sys.path)

TIMEOUT = 240


def run(kc, code, timeout=TIMEOUT):
    return harness.run(kc, code, timeout)


class IopubBursts(KernelSuite):
    PRELUDE = READY_LL

    def assert_result(self, reply, out, text):
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(out[-1][0], "execute_result", out[-3:])
        self.assertEqual(out[-1][1]["data"]["text/plain"], text)

    def test_1_ten_thousand_displays(self):
        reply, out = run(self.kc, 'for (let i = 0; i < 10000; i++) ll.display({ "text/plain": `d${i}` });\n"displayed"')
        self.assert_result(reply, out, "'displayed'")
        shown = [c["data"]["text/plain"] for k, c in out if k == "display_data"]
        self.assertEqual(shown, [f"d{i}" for i in range(10000)])

    def test_2_ten_thousand_updates(self):
        reply, out = run(self.kc, 'll.display({ "text/plain": "u-start" }, { displayId: "soak" });\n'
                                  'for (let i = 0; i < 10000; i++) ll.updateDisplay("soak", { "text/plain": `u${i}` });\n"updated"')
        self.assert_result(reply, out, "'updated'")
        updates = [c for k, c in out if k == "update_display_data"]
        self.assertEqual([c["data"]["text/plain"] for c in updates], [f"u{i}" for i in range(10000)])
        self.assertTrue(all(c["transient"]["display_id"] == "soak" for c in updates))

    def test_3_mixed_flood(self):
        # Displays, updates, prints and clear_output interleaved, then an awaited second wave.
        code = ('for (let i = 0; i < 3000; i++) {\n'
                '  ll.display({ "text/plain": `m${i}` });\n'
                '  if (i % 3 === 0) ll.updateDisplay("flood", { "text/plain": `f${i}` });\n'
                '  if (i % 10 === 0) console.log(`line ${i}`);\n'
                '}\n'
                'await new Promise((r) => setTimeout(r, 10));\n'
                'for (let i = 3000; i < 6000; i++) ll.display({ "text/plain": `m${i}` });\n'
                '"flooded"')
        reply, out = run(self.kc, code)
        self.assert_result(reply, out, "'flooded'")
        shown = [c["data"]["text/plain"] for k, c in out if k == "display_data"]
        self.assertEqual(shown, [f"m{i}" for i in range(6000)])
        updates = [c["data"]["text/plain"] for k, c in out if k == "update_display_data"]
        self.assertEqual(updates, [f"f{i}" for i in range(0, 3000, 3)])
        printed = "".join(c["text"] for k, c in out if k == "stream" and c["name"] == "stdout")
        self.assertEqual(printed, "".join(f"line {i}\n" for i in range(0, 3000, 10)))

    def test_4_cells_after_the_bursts(self):
        # Three bursts sent without waiting, then a trivial cell: every result and idle arrives.
        ids = [self.kc.execute(f'for (let i = 0; i < 3000; i++) ll.display({{ "text/plain": `b{j}-${{i}}` }});\n{j}') for j in range(3)]
        last = self.kc.execute("1 + 1")
        results, idle, displays = {}, set(), {m: 0 for m in ids}
        deadline = time.time() + TIMEOUT
        while len(idle) < 4 and time.time() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=10)
            except Exception:
                continue
            parent = msg["parent_header"].get("msg_id")
            if msg["msg_type"] == "execute_result":
                results[parent] = msg["content"]["data"]["text/plain"]
            elif msg["msg_type"] == "display_data" and parent in displays:
                displays[parent] += 1
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle" and parent in ids + [last]:
                idle.add(parent)
        self.assertEqual(len(idle), 4)
        self.assertEqual([results.get(m) for m in ids + [last]], ["0", "1", "2", "2"])
        self.assertEqual(list(displays.values()), [3000, 3000, 3000])


if __name__ == "__main__":
    unittest.main(verbosity=2)
