"""Dialogs of the window (import, payout editor) and the yes/no and notice boxes.

Modal boxes go through the module-level functions of `confirm`, so a test replaces
`confirm.ask` (and `confirm.tell`) instead of clicking a blocking box.
"""
