"""QtCore-only runtime: the worker loop, the scheduler and the signals the GUI listens to."""
