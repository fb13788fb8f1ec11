"""Shift-Tab (inspect_request) through the kernel, as a front end sends it: a class shows its constructor's
signature and its doc comment, a function its signature and doc comment (with the equation), and the
cursor inside a call's parentheses shows the function being called, as IPython does.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts); it prints what each case shows.
Needs `npm run build` (the kernel runs dist/ and reads latent-lab's types from dist/src/index.d.ts)."""
import sys
import unittest

from harness import KernelSuite, reply_to
import harness  # test/kernel/harness.py (the script's folder is on sys.path)

TIMEOUT = 60


def run(kc, code):
    reply, _ = harness.run(kc, code, TIMEOUT)
    assert reply["status"] == "ok", reply
    return reply


def inspect(kc, code, cursor=None):
    """The inspect reply for `code` with the cursor at `cursor` (default: the end), as Shift-Tab sends it."""
    reply = reply_to(kc, kc.inspect(code, len(code) if cursor is None else cursor, detail_level=0), timeout=TIMEOUT)
    assert reply["msg_type"] == "inspect_reply", reply["msg_type"]
    return reply["content"]


def shown(content):
    return content["data"].get("text/plain", "") if content["found"] else ""


class Inspect(KernelSuite):
    PRELUDE = 'import * as ll from "latent-lab";\nawait ll.ready();\nconst x = 1;'

    def show(self, title, content):
        print(f"\n===== Shift-Tab: {title} =====\n{shown(content)}\n", file=sys.stderr)

    def test_a_class_shows_its_constructor_signature_and_doc_comments(self):
        for code in ["ll.VAE", "ll.Normal", "ll.dist.Normal"]:
            content = inspect(self.kc, code)
            self.assertEqual(content["status"], "ok")
            self.assertTrue(content["found"], code)
            text = shown(content)
            self.show(code, content)
            name = code.split(".")[-1]
            self.assertRegex(text, rf"^Init signature: new {code.replace('.', '[.]')}\(", text)
            self.assertRegex(text.split("Docstring:")[0], rf"\): (ll[.])?{name}\n", text)
            self.assertIn("Docstring:", text)
            self.assertNotIn("<no doc comment>", text)
            self.assertTrue(text.rstrip().endswith("Type: class"), text)

    def test_the_normal_shows_its_density_and_ledger_link(self):
        text = shown(inspect(self.kc, "ll.Normal"))
        # The equation of the density, in the doc comment's plain-text math, and an example.
        self.assertIn("log N(x; μ, σ²) = −½ ((x − μ)/σ)² − log σ − ½ log 2π", text)
        self.assertIn("docs/derivations.md#d24", text)
        self.assertIn("@example", text)
        # The VAE's shows the bound it maximizes; fit's the update it makes, from inside the call.
        self.assertIn("ELBO(x) = E_q[log p_θ(x|z)] − KL(q_φ(z|x) ‖ p(z)) ≤ log p_θ(x)", shown(inspect(self.kc, "ll.VAE")))
        self.assertIn("θ_k = θ_{k−1} − lr_k · Adam_k", shown(inspect(self.kc, "ll.fit(")))

    def test_cursor_in_the_parentheses_of_a_call_shows_the_function(self):
        for code in ["ll.fit(", "ll.fit(x, "]:
            content = inspect(self.kc, code)
            self.assertTrue(content["found"], code)
            text = shown(content)
            self.show(repr(code + "|"), content)
            self.assertRegex(text, r"^Signature: ll[.]fit(<[^>]*>)?\(", text)
            self.assertIn("Docstring:", text)
            self.assertNotIn("<no doc comment>", text)
            self.assertIn("Argument 2:" if code.endswith(", ") else "Argument 1:", text)
            self.assertTrue(text.rstrip().endswith("Type: function"), text)

    def test_cursor_on_an_argument_variable_shows_the_call_but_a_function_name_shows_itself(self):
        self.assertRegex(shown(inspect(self.kc, "ll.fit(x")), r"^Signature: ll[.]fit")
        self.assertRegex(shown(inspect(self.kc, "ll.fit(ll.Normal")), r"^Init signature: new ll[.]Normal\(")
        # The cursor inside a finished call, before its closing parenthesis.
        code = "ll.fit(x, )"
        self.assertRegex(shown(inspect(self.kc, code, len(code) - 1)), r"^Signature: ll[.]fit")
        # After the closing parenthesis the call is over: nothing is being called there.
        self.assertNotRegex(shown(inspect(self.kc, "ll.fit(x)")), r"^Signature: ll[.]fit")

    def test_a_method_and_other_names_still_show_quick_info(self):
        run(self.kc, "const normal = new ll.Normal(0, 1);")
        text = shown(inspect(self.kc, "normal.logProb("))
        self.assertRegex(text, r"^Signature: normal[.]logProb\(", text)
        self.assertTrue(text.rstrip().endswith("Type: method"), text)
        # A plain variable: TypeScript's quick info, as before.
        self.assertIn("const x: 1", shown(inspect(self.kc, "x")))
        self.assertFalse(inspect(self.kc, "   ")["found"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
