"""Charts of the main window."""
