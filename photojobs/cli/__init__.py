"""photojobs-cli: headless commands over core and runtime, for scripts and tests."""
