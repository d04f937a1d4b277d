"""``python -m ingest PATH...``: the same as ``citeqa ingest PATH...``."""

import sys

from backend.cli import app

if __name__ == "__main__":
    app(["ingest", *sys.argv[1:]], prog_name="python -m ingest")
