"""The viewer: one photo at a time, zoom and pan, its details and keep decision."""

from photojobs.ui.viewer.panel import ViewerPanel

__all__ = ["ViewerPanel"]
