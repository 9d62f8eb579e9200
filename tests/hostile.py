"""Hostile and odd inputs that every entry point gets (REST channel, web chat relay, case API)."""
from __future__ import annotations

HOSTILE = {
    "empty": "",
    "whitespace": "   \t\n ",
    "emoji": "🙂🙂🙂",
    "10k": "x" * 10_000,
    "mixed-scripts": "مرحبا hello привет 你好",
    "control-chars": "\u0000\u0007 hallo \u202e",
    "bidi-controls": "\u202eتساعدني\u202c \u2066Wohnung\u2069 \u200f",
    "nul-inside": "ich brauche\u0000 eine wohnung",
    "html": "<script>alert(1)</script><b>Ali</b>",
    "sql": "'; DROP TABLE intakes; --",
    "formula": "=HYPERLINK(\"http://x\")",
    "unknown-intent-payload": "/no_such_intent",
    "broken-payload": '/inform{"answer": ',
    "lone-surrogate-escape": "\\ud800 wohnung",
}
MEGABYTE = "ä" * 600_000  # 1.2 MB of UTF-8
INVALID_UTF8 = b'{"sender": "x", "message": "\xff\xfe wohnung"}'
