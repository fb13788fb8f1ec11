"""Jupyter comms at the protocol level (the transport of widgets): opened by the kernel and by the front end,
messages both ways with binary buffers, comm_info_request listing the open comms, closing from either side,
an unknown target closed at once. Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts)."""
import unittest

from harness import KernelSuite, iopub_until_idle, reply_to, send_shell
import harness  # test/kernel/harness.py (the script's folder is on sys.path)

TIMEOUT = 60
HOOK = "(globalThis as any).__latentLabKernel__.comms"


def run(kc, code):
    return harness.execute(kc, code, TIMEOUT)


def comm_info(kc, target=None):
    content = {"target_name": target} if target else {}
    reply = reply_to(kc, send_shell(kc, "comm_info_request", content), timeout=TIMEOUT)
    assert reply["msg_type"] == "comm_info_reply", reply["msg_type"]
    return reply["content"]


class Comms(KernelSuite):

    def test_kernel_opens_a_comm_and_echoes_messages_with_buffers(self):
        reply, out = run(self.kc, f"""const echo = {HOOK}.open("test.echo", {{ hello: 1 }});
echo.onMsg((m: any) => echo.send({{ echo: m.data, sizes: m.buffers.map((b: Uint8Array) => b.length) }}, {{}}, m.buffers));
let closedWith: any = null;
echo.onClose((m: any) => {{ closedWith = m.data; }});""")
        self.assertEqual(reply["status"], "ok", reply)
        opens = [m for m in out if m["msg_type"] == "comm_open"]
        self.assertEqual(len(opens), 1)
        self.assertEqual((opens[0]["content"]["target_name"], opens[0]["content"]["data"]), ("test.echo", {"hello": 1}))
        comm_id = opens[0]["content"]["comm_id"]

        info = comm_info(self.kc)
        self.assertEqual(info["status"], "ok")
        self.assertEqual(info["comms"].get(comm_id), {"target_name": "test.echo"})
        self.assertEqual(comm_info(self.kc, "other.target")["comms"], {})

        msg_id = send_shell(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"x": 42}}, buffers=[b"\x01\x02\x03"])
        out = iopub_until_idle(self.kc, msg_id)
        msgs = [m for m in out if m["msg_type"] == "comm_msg"]
        self.assertEqual(len(msgs), 1)
        self.assertEqual(msgs[0]["content"], {"comm_id": comm_id, "data": {"echo": {"x": 42}, "sizes": [3]}})
        self.assertEqual([bytes(b) for b in msgs[0]["buffers"]], [b"\x01\x02\x03"])

        msg_id = send_shell(self.kc, "comm_close", {"comm_id": comm_id, "data": {"bye": True}})
        iopub_until_idle(self.kc, msg_id)
        self.assertNotIn(comm_id, comm_info(self.kc)["comms"])
        reply, out = run(self.kc, "JSON.stringify(closedWith) + ' ' + echo.closed")
        self.assertEqual(out[-1]["content"]["data"]["text/plain"], "'{\"bye\":true} true'")

    def test_front_end_opens_a_comm_to_a_registered_target(self):
        reply, _ = run(self.kc, f"""{HOOK}.registerTarget("test.target", (comm: any, m: any) => {{
  comm.send({{ opened_with: m.data }});
  comm.onMsg((msg: any) => {{ console.log("got", msg.data.n); if (msg.data.n === 2) comm.close({{ done: true }}); }});
}});""")
        self.assertEqual(reply["status"], "ok", reply)
        msg_id = send_shell(self.kc, "comm_open", {"comm_id": "frontend-1", "target_name": "test.target", "data": {"k": "v"}})
        out = iopub_until_idle(self.kc, msg_id)
        sent = [m["content"] for m in out if m["msg_type"] == "comm_msg"]
        self.assertEqual(sent, [{"comm_id": "frontend-1", "data": {"opened_with": {"k": "v"}}}])
        self.assertIn("frontend-1", comm_info(self.kc)["comms"])

        msg_id = send_shell(self.kc, "comm_msg", {"comm_id": "frontend-1", "data": {"n": 2}})
        out = iopub_until_idle(self.kc, msg_id)
        streams = "".join(m["content"]["text"] for m in out if m["msg_type"] == "stream")
        self.assertIn("got 2", streams)
        self.assertEqual([m["content"] for m in out if m["msg_type"] == "comm_close"], [{"comm_id": "frontend-1", "data": {"done": True}}])
        self.assertNotIn("frontend-1", comm_info(self.kc)["comms"])

    def test_unknown_target_is_closed_and_unknown_comm_ignored(self):
        msg_id = send_shell(self.kc, "comm_open", {"comm_id": "nobody-1", "target_name": "no.such.target", "data": {}})
        out = iopub_until_idle(self.kc, msg_id)
        self.assertEqual([m["content"]["comm_id"] for m in out if m["msg_type"] == "comm_close"], ["nobody-1"])
        msg_id = send_shell(self.kc, "comm_msg", {"comm_id": "never-opened", "data": {}})
        iopub_until_idle(self.kc, msg_id)
        reply, out = run(self.kc, "1 + 1")
        self.assertEqual(reply["status"], "ok")

    def test_a_throwing_handler_reports_and_the_kernel_goes_on(self):
        run(self.kc, f'{HOOK}.registerTarget("test.throws", () => {{ throw new Error("handler broke"); }});')
        msg_id = send_shell(self.kc, "comm_open", {"comm_id": "throws-1", "target_name": "test.throws", "data": {}})
        out = iopub_until_idle(self.kc, msg_id)
        streams = "".join(m["content"]["text"] for m in out if m["msg_type"] == "stream")
        self.assertIn("handler broke", streams)
        reply, _ = run(self.kc, "2 + 2")
        self.assertEqual(reply["status"], "ok")


if __name__ == "__main__":
    unittest.main(verbosity=2)
