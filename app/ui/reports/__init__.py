"""The period report as a PDF (Qt's own PDF writer) and the dialog that saves it."""
