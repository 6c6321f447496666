"""The fonts every PDF of the portal embeds (DejaVu: Latin, Cyrillic and the Kazakh letters)."""

from pathlib import Path

FONTS = Path(__file__).resolve().parent
