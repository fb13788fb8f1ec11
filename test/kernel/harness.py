"""What the kernel suites share: executing one cell through jupyter_client and collecting its iopub messages."""


def run(kc, code, timeout):
    """Executes code; returns (reply content, [(msg_type, content)] of iopub up to its idle status)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"], out
        out.append((msg["msg_type"], msg["content"]))
