"""The one place that picks a CJK-capable font for matplotlib (reports and notebooks share it)."""

from __future__ import annotations

from functools import cache

#: preferred order; any other installed font with "CJK" in its name comes after these
CJK_PREFERENCE = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Source Han Sans",
    "Noto Serif CJK JP",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


@cache
def cjk_font() -> str | None:
    """Name of an installed CJK-capable font (Noto Sans CJK preferred), or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in CJK_PREFERENCE:
        if n in names:
            return n
    others = sorted(n for n in names if "CJK" in n and "Mono" not in n)
    return others[0] if others else None
