"""Rich display through the kernel: figures as MIME bundles (the interactive MIME + a PNG, never text/html, so an
untrusted notebook shows them), progress
updated in place (display ids + update_display_data), tensors and distributions shown richly.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts does)."""
import base64
import json
import unittest

from harness import READY_LL, KernelSuite, run

VEGA = "application/vnd.vegalite.v5+json"
PLOTLY = "application/vnd.plotly.v1+json"


class KernelDisplay(KernelSuite):
    PRELUDE = READY_LL

    def test_vega_lite_figure_is_one_bundle_under_1mb(self):
        reply, out = run(self.kc, "ll.lineChart({ series: { a: [1, 2, 3], b: [3, 1, 2] }, title: 'two lines' })")
        self.assertEqual(reply["status"], "ok", reply)
        results = [c for k, c in out if k == "execute_result"]
        self.assertEqual(len(results), 1)
        data = results[0]["data"]
        self.assertEqual(set(data), {VEGA, "image/png", "text/plain"})
        self.assertEqual(base64.b64decode(data["image/png"])[:8], b"\x89PNG\r\n\x1a\n")
        self.assertLess(len(json.dumps(data)), 1_000_000)

    def test_display_without_await_arrives_before_the_reply(self):
        reply, out = run(self.kc, "ll.display(ll.barChart({ labels: ['a', 'b'], values: [1, 2] })); 1")
        self.assertEqual(reply["status"], "ok", reply)
        kinds = [k for k, _ in out]
        self.assertIn("display_data", kinds)
        self.assertLess(kinds.index("display_data"), kinds.index("execute_result"))

    def test_plotly_figures_carry_their_json_and_a_png_and_no_library(self):
        _, first = run(self.kc, "ll.plot.surface3d({ z: [[1, 2], [3, 4]] })")
        _, second = run(self.kc, "ll.plot.zoomableLines({ series: { loss: [3, 2, 1] } })")
        self.assertFalse([c for k, c in first + second if k == "display_data"], "no plotly.js library is sent any more")
        for out in (first, second):
            data = [c for k, c in out if k == "execute_result"][0]["data"]
            self.assertIn(PLOTLY, data)
            self.assertNotIn("text/html", data)
            self.assertEqual(base64.b64decode(data["image/png"])[:8], b"\x89PNG\r\n\x1a\n")
            self.assertLess(len(json.dumps(data)), 1_000_000)

    def test_progress_updates_in_place(self):
        code = "const p = ll.plot.progress({ total: 3, title: 'train', throttleMs: 0 });\nfor (let i = 1; i <= 3; i++) p.update(i, { loss: 1 / i });\np.done();"
        reply, out = run(self.kc, code)
        self.assertEqual(reply["status"], "ok", reply)
        # Two outputs updated in place (src/display/progress.ts): the status line and the loss curve's PNG.
        shown = [c for k, c in out if k == "display_data"]
        updates = [c for k, c in out if k == "update_display_data"]
        self.assertEqual(len(shown), 2)
        status_id, curve_id = (c["transient"]["display_id"] for c in shown)
        self.assertEqual(curve_id, f"{status_id}-curve")
        status = [u for u in updates if u["transient"]["display_id"] == status_id]
        curve = [u for u in updates if u["transient"]["display_id"] == curve_id]
        self.assertEqual(len(status) + len(curve), len(updates))
        self.assertGreaterEqual(len(status), 3)
        self.assertIn("3/3", status[-1]["data"]["text/plain"])
        self.assertEqual(base64.b64decode(curve[-1]["data"]["image/png"])[:8], b"\x89PNG\r\n\x1a\n")

    def test_tensor_28x28_shows_as_an_image_and_distributions_as_tables(self):
        reply, out = run(self.kc, "ll.tf.linspace(0, 1, 784).reshape([28, 28])")
        data = [c for k, c in out if k == "execute_result"][0]["data"]
        self.assertIn("image/png", data)
        self.assertIn("[28, 28]", data["text/html"])
        reply, out = run(self.kc, "new ll.Normal([0, 1], [1, 2])")
        data = [c for k, c in out if k == "execute_result"][0]["data"]
        self.assertIn("<b>Normal</b>", data["text/html"])
        self.assertIn("scale", data["text/html"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
