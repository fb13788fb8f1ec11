"""Tab completion (complete_request) of the library's names through the kernel, as a front end sends it (issue 28:
one way to each name). `ll.check` (the homework check), `ll.checkTable` (a table of derivation checks) and the
`ll.verify` namespace are three names a student tells apart; the old `ll.checks` and `ll.checker` are gone; a
name reached through its namespace completes there and only there (`ll.infer.iwae`, not `ll.iwae`), and
Shift-Tab on it shows its typed signature.
Run with /usr/bin/python3 and JUPYTER_PATH set (test/kernel/kernel.test.ts). Needs `npm run build` (the kernel
reads latent-lab's types from dist/src/index.d.ts)."""
import unittest

from jupyter_client.manager import start_new_kernel

TIMEOUT = 120


def shell_reply(kc, msg_id):
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    return reply


def run(kc, code):
    reply = shell_reply(kc, kc.execute(code))
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply["content"]


def complete(kc, code):
    """The names offered with the cursor at the end of `code`, as Tab sends it."""
    reply = shell_reply(kc, kc.complete(code, len(code)))
    assert reply["msg_type"] == "complete_reply", reply["msg_type"]
    content = reply["content"]
    assert content["status"] == "ok", content
    return set(content["matches"])


def inspect_reply(kc, code):
    return shell_reply(kc, kc.inspect(code, len(code), detail_level=0))["content"]


def inspect(kc, code):
    content = inspect_reply(kc, code)
    return content["data"].get("text/plain", "") if content["found"] else ""


class Complete(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="latent-lab", startup_timeout=TIMEOUT)
        run(cls.kc, 'import * as ll from "latent-lab";\nawait ll.ready();')

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def test_the_three_checks_have_three_names(self):
        names = complete(self.kc, "ll.chec")
        for name in ["check", "checkTable", "checkClose", "checkAtMost", "checkMonteCarlo"]:
            self.assertIn(name, names, names)
        self.assertNotIn("checks", names, names)
        self.assertNotIn("checker", names, names)
        self.assertIn("verify", complete(self.kc, "ll.ver"))

    def test_the_verify_namespace_holds_the_derivation_tools(self):
        names = complete(self.kc, "ll.verify.")
        for name in ["derivation", "checkTable", "checkGradient", "checkQuadrature", "finiteDifferenceGradient", "integrate2d", "check"]:
            self.assertIn(name, names, names)

    def test_a_namespaced_name_completes_only_in_its_namespace(self):
        self.assertIn("iwae", complete(self.kc, "ll.infer.iw"))
        self.assertNotIn("iwae", complete(self.kc, "ll.iw"))
        self.assertNotIn("laplaceApproximation", complete(self.kc, "ll.lap"))
        # Estimate, the one estimate type, in a type position: in ll.infer, where the estimators are
        self.assertIn("Estimate", complete(self.kc, "let e: ll.infer.Est"))

    def test_the_one_path_of_iwae_shows_its_typed_signature(self):
        text = inspect(self.kc, "ll.infer.iwae(")
        self.assertRegex(text, r"^Signature: ll[.]infer[.]iwae", text)
        self.assertNotIn(": any", text.split("Docstring:")[0], text)
        self.assertIn("Docstring:", text)
        # ll.iwae is not a name: Shift-Tab says so rather than showing it as `any`
        content = inspect_reply(self.kc, "ll.iwae")
        self.assertFalse(content["found"], content)
        self.assertIn("no such name", content["data"].get("text/plain", ""), content)


if __name__ == "__main__":
    unittest.main(verbosity=2)
