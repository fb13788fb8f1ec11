"""Widgets at the protocol level (ipywidgets 8's protocol, version 2), as JupyterLab 4 speaks it: a slider's
models open over the jupyter.widget comm target, its view displays as the widget-view MIME type, a move in
the front end updates `.value` and calls `onChange`, a change in code goes to the front end, request_state
is answered, a button's click arrives, and ll.interact replaces its figure in place when a control moves.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts)."""
import unittest

from harness import IMPORT_LL, KernelSuite, execute as run, iopub_until_idle, send_shell

VIEW = "application/vnd.jupyter.widget-view+json"


class Widgets(KernelSuite):
    PRELUDE = IMPORT_LL

    def front_end(self, comm_id, data):
        return iopub_until_idle(self.kc, send_shell(self.kc, "comm_msg", {"comm_id": comm_id, "data": data}))

    def test_slider_round_trip(self):
        reply, out = run(self.kc, 'const k = ll.widgets.intSlider({ value: 3, min: 1, max: 10, description: "K" });\n'
                                  'let heard: number[] = [];\nk.onChange((v) => heard.push(v));\nk')
        self.assertEqual(reply["status"], "ok", reply)
        opens = {m["content"]["comm_id"]: m for m in out if m["msg_type"] == "comm_open"}
        self.assertTrue(all(m["content"]["target_name"] == "jupyter.widget" for m in opens.values()))
        self.assertTrue(all(m["metadata"]["version"].startswith("2.") for m in opens.values()))
        view = [m["content"]["data"][VIEW] for m in out if m["msg_type"] == "execute_result"][0]
        self.assertEqual((view["version_major"], view["version_minor"]), (2, 0))
        slider = opens[view["model_id"]]["content"]["data"]["state"]
        self.assertEqual((slider["_model_name"], slider["_model_module"], slider["_model_module_version"]),
                         ("IntSliderModel", "@jupyter-widgets/controls", "2.0.0"))
        self.assertEqual((slider["value"], slider["min"], slider["max"], slider["description"]), (3, 1, 10, "K"))
        # Layout and style are models of their own, opened before the slider refers to them.
        layout_id = slider["layout"].removeprefix("IPY_MODEL_")
        self.assertEqual(opens[layout_id]["content"]["data"]["state"]["_model_name"], "LayoutModel")
        self.assertEqual(opens[slider["style"].removeprefix("IPY_MODEL_")]["content"]["data"]["state"]["_model_name"], "SliderStyleModel")
        self.assertLess(list(opens).index(layout_id), list(opens).index(view["model_id"]))

        self.front_end(view["model_id"], {"method": "update", "state": {"value": 7}, "buffer_paths": []})
        reply, out = run(self.kc, "JSON.stringify([k.value, heard])")
        self.assertEqual(out[-1]["content"]["data"]["text/plain"], "'[7,[7]]'")

        reply, out = run(self.kc, "k.value = 5;")
        updates = [m["content"] for m in out if m["msg_type"] == "comm_msg"]
        self.assertEqual(updates, [{"comm_id": view["model_id"], "data": {"method": "update", "state": {"value": 5}, "buffer_paths": []}}])

        out = self.front_end(view["model_id"], {"method": "request_state"})
        state = [m["content"]["data"] for m in out if m["msg_type"] == "comm_msg"][0]
        self.assertEqual((state["method"], state["state"]["value"], state["state"]["_model_name"]), ("update", 5, "IntSliderModel"))

    def test_button_click(self):
        reply, out = run(self.kc, 'let clicks = 0;\nconst b = ll.widgets.button({ description: "sample" }).onClick(() => { clicks++; });\nb')
        model_id = [m["content"]["data"][VIEW]["model_id"] for m in out if m["msg_type"] == "execute_result"][0]
        for _ in range(2):
            self.front_end(model_id, {"method": "custom", "content": {"event": "click"}})
        reply, out = run(self.kc, "clicks")
        self.assertEqual(out[-1]["content"]["data"]["text/plain"], "2")

    def test_interact_replaces_its_figure_in_place(self):
        reply, out = run(self.kc, 'const beta = ll.widgets.floatSlider({ value: 1, min: 0, max: 4, step: 0.5, description: "β" });\n'
                                  'const scheme = ll.widgets.dropdown({ options: ["linear", "cosine"] });\n'
                                  'll.interact(({ beta, scheme }) => `β = ${beta}, ${scheme}`, { beta, scheme });')
        self.assertEqual(reply["status"], "ok", reply)
        displays = [m["content"] for m in out if m["msg_type"] == "display_data"]
        self.assertEqual(len(displays), 2)  # the controls, then the figure
        box = displays[0]["data"][VIEW]["model_id"]
        opens = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in out if m["msg_type"] == "comm_open"}
        self.assertEqual(opens[box]["_model_name"], "VBoxModel")
        self.assertEqual(len(opens[box]["children"]), 2)
        figure = displays[1]
        display_id = figure["transient"]["display_id"]
        self.assertEqual(figure["data"]["text/plain"], "β = 1, linear")
        slider_id = [i for i, s in opens.items() if s["_model_name"] == "FloatSliderModel"][0]
        dropdown_id = [i for i, s in opens.items() if s["_model_name"] == "DropdownModel"][0]

        out = self.front_end(slider_id, {"method": "update", "state": {"value": 2.5}, "buffer_paths": []})
        updates = [m["content"] for m in out if m["msg_type"] == "update_display_data"]
        self.assertEqual([(u["transient"]["display_id"], u["data"]["text/plain"]) for u in updates], [(display_id, "β = 2.5, linear")])
        out = self.front_end(dropdown_id, {"method": "update", "state": {"index": 1}, "buffer_paths": []})
        updates = [m["content"] for m in out if m["msg_type"] == "update_display_data"]
        self.assertEqual([u["data"]["text/plain"] for u in updates], ["β = 2.5, cosine"])

    def test_interact_as_the_last_value_adds_no_out_line(self):
        # Its controls and figure are displays: a cell ending in ll.interact(...) has no execute_result, so a
        # saved notebook shows no stray "Out: interact(...)".
        reply, out = run(self.kc, 'const tau = ll.widgets.floatSlider({ value: 0.5, min: 0.1, max: 2 });\n'
                                  'll.interact(({ tau }) => `τ = ${tau}`, { tau })')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual([m["msg_type"] for m in out if m["msg_type"] in ("display_data", "execute_result")], ["display_data", "display_data"])
        reply, out = run(self.kc, "tau.value")  # other values are still results
        self.assertEqual([m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"], ["0.5"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
