"""PyInstaller entry point of `photojobs-cli`."""

import sys

from photojobs.cli.main import main

sys.exit(main())
