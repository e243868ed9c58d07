import subprocess
import sys

from painpath import __version__


def test_version_is_printed():
    out = subprocess.run(
        [sys.executable, "-m", "painpath", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"painpath {__version__}"
