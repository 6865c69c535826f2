"""PyInstaller entry point of the `PhotoJobs` window application. The same executable is
the window's jobs process when started with `--jobs-process` (see runtime/worker_host.py)."""

import sys

from photojobs.runtime.worker_host import FLAG

if sys.argv[1:2] == [FLAG]:
    from photojobs.runtime.worker_host import main as jobs_process

    sys.exit(jobs_process())

from photojobs.ui.app import main

sys.exit(main())
