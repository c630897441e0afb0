"""Diamond Ledger: a local ledger of TikTok LIVE gifts, diamonds and payouts."""

__version__ = "0.1.0"
