"""Figures as an Indonesian reader writes them (id-ID: 28.000, 31,2%, Rp1.930.000), one place for the report and the
workbook, so that the same figure reads the same in both."""

from __future__ import annotations

from pipeline.parse.periods import MONTH_NAMES

# d3's locale for id-ID, given to vega-embed and vl-convert: 1.234.567 and 49,90; month names in Indonesian.
FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
TIME_FORMAT_LOCALE = {
    "dateTime": "%A, %e %B %Y %X",
    "date": "%d/%m/%Y",
    "time": "%H.%M.%S",
    "periods": ["AM", "PM"],
    "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": list(MONTH_NAMES),
    "shortMonths": [name[:3] for name in MONTH_NAMES],  # Jan ... Mei ... Agu ... Des
}


def known(value) -> bool:
    return value is not None and value == value


def number(value, metric: str, decimals: int = 1) -> str:
    """A target's figure in its own unit: a coverage in percent, people as a whole number."""
    if not known(value):
        return "-"
    if metric == "coverage_pct":
        return f"{value:.{decimals}f}%".replace(".", ",")
    return f"{value:,.0f}".replace(",", ".")


def percent(value) -> str:
    """A share (0 to 1), such as a chance, in whole percent; a chance that is neither 0 nor 1 never reads as one."""
    if not known(value):
        return "-"
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 < value < 1:
        return ">99%"
    return f"{100 * value:.0f}%"


def rupiah(value) -> str:
    return "-" if not known(value) else "Rp" + f"{value:,.0f}".replace(",", ".")
