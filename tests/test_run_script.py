"""``run.py``, the entry point of a fresh checkout: paths are the user's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "edifact" / "ORDERS_D96A.edi"


def test_cli_reads_a_relative_file_from_where_the_user_stands(tmp_path: Path) -> None:
    """``python3 run.py cli detect FILE`` resolves FILE from the caller's folder, not
    from the project folder (where no such file is)."""
    (tmp_path / "mine.edi").write_bytes(SAMPLE.read_bytes())
    assert not (ROOT / "mine.edi").exists()
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "cli", "detect", "mine.edi"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"path": "mine.edi", "standard": "edifact"' in done.stdout
    assert '"declared_charset": "UNOC"' in done.stdout
