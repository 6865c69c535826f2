"""The job queue: records, events, task definitions, the store and the Qt-free runner."""
