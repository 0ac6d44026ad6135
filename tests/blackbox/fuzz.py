#!/usr/bin/python3
"""Command line of the black-box fuzzer: see README.md in this folder."""
import sys
import pathlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bbfuzz.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
