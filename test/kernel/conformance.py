"""Jupyter kernel conformance suite (Debian python3-jupyter-kernel-test) against the Latent Lab kernel.

Run with /usr/bin/python3 and JUPYTER_PATH pointing at the project's .jupyter folder (test/kernel.test.ts does).
The pager test is not applicable: the kernel has no `?`-style help that opens a pager.
"""
import unittest

import jupyter_kernel_test


class LatentLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "latent-lab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "({ toMimeBundle: () => ({ 'text/html': '<b>x</b>' }) })", "mime": "text/html"},
    ]
    code_display_data = [
        {"code": 'import * as tslab from "tslab"; tslab.display.html("<b>hi</b>")', "mime": "text/html"},
        {"code": 'import { displayHTML } from "latent-lab"; displayHTML("<i>hi</i>")', "mime": "text/html"},
    ]
    code_clear_output = 'import { clearOutput } from "latent-lab"; clearOutput()'
    completion_samples = [{"text": "const abcdef = 1; abcde", "matches": {"abcdef"}}]
    complete_code_samples = ["1 + 1", "const x = 3;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const y = [1, 2,"]
    code_inspect_sample = "Math.max"
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 *"

    @classmethod
    def setUpClass(cls):
        # The suite allows 15 s per request; the first import of the library (the TypeScript program build)
        # takes ~2 s on a quiet machine but far longer on a loaded one, so it is warmed up here, once.
        super().setUpClass()
        cls.kc.execute_interactive('import * as warmup from "latent-lab"; void warmup;', timeout=300, store_history=False)


if __name__ == "__main__":
    unittest.main(verbosity=2)
