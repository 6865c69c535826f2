"""PhotoJobs: cull photo shoots, commit to a restorable trash, and watch the work happen."""

__version__ = "0.1.0"
APP_NAME = "PhotoJobs"
