"""The conversation core stays channel-free: no telegram, starlette or jinja2 imported."""

from __future__ import annotations

import subprocess
import sys


def test_conversation_imports_no_channel_or_web_library() -> None:
    code = (
        "import sys, bot.conversation; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('telegram', 'starlette', 'jinja2')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
