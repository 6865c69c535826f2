"""QtWidgets: the main window, panels, the Processes dock, toasts and the tray."""
