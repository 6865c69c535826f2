"""PyInstaller entry point of the `PhotoJobs` window application."""

import sys

from photojobs.ui.app import main

sys.exit(main())
