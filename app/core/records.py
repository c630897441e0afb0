"""The row shapes importers produce and the store saves: plain tuples, in this field order.

Tuples rather than objects because a gift log can hold millions of rows.
"""

from __future__ import annotations

# `occurrence` numbers identical gifts of one file (see DESIGN.md, Duplicates).
GIFT_FIELDS = ("source_line", "ts", "room_id", "sender_id", "sender_name", "gift_id",
               "gift_name", "repeat_count", "coins_each", "coins_total", "occurrence")
SESSION_FIELDS = ("source_line", "start_ts", "end_ts", "duration_s", "room_id", "title",
                  "diamonds", "gifters", "viewers", "likes")
PAYOUT_FIELDS = ("source_line", "requested_ts", "paid_ts", "diamonds", "amount", "currency",
                 "usd", "fee_usd", "method", "status", "reference")

FIELDS = {"gifts": GIFT_FIELDS, "sessions": SESSION_FIELDS, "payouts": PAYOUT_FIELDS}

PAYOUT_STATUSES = ("pending", "paid", "failed")
