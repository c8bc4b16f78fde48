"""
The citation box of a page: the dataset's release (its data version), the day, the page's URL,
as a sentence ready to copy, as BibTeX and as RIS. Nothing is left for the reader to fill in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

AUTHOR = "SSE Map"
PUBLISHER = "SSE Map, after the ILO research Strengthening Social and Solidarity Economy Policy in Asia"


def _bibtex_escape(text: str) -> str:
    for char in "\\{}%&$#_":
        text = text.replace(char, "\\" + char)
    return text


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    release: str
    accessed: datetime.date
    license: str = "CC BY 4.0"

    @property
    def key(self) -> str:
        return f"ssemap{self.accessed:%Y%m%d}"

    @property
    def text(self) -> str:
        return (
            f"{AUTHOR} ({self.accessed.year}). {self.title}. Data release {self.release}. "
            f"{self.url} (accessed {self.accessed.isoformat()}). Licence: {self.license}."
        )

    @property
    def bibtex(self) -> str:
        return (
            f"@misc{{{self.key},\n"
            f"  author = {{{{{AUTHOR}}}}},\n"
            f"  title = {{{_bibtex_escape(self.title)}}},\n"
            f"  year = {{{self.accessed.year}}},\n"
            f"  version = {{{_bibtex_escape(self.release)}}},\n"
            f"  howpublished = {{\\url{{{self.url}}}}},\n"
            f"  urldate = {{{self.accessed.isoformat()}}},\n"
            f"  note = {{Licence: {_bibtex_escape(self.license)}}}\n"
            "}"
        )

    @property
    def ris(self) -> str:
        lines = [
            ("TY", "DATA"),
            ("AU", AUTHOR),
            ("TI", self.title),
            ("PY", str(self.accessed.year)),
            ("ET", self.release),
            ("UR", self.url),
            ("Y2", self.accessed.isoformat()),
            ("PB", PUBLISHER),
            ("N1", f"Licence: {self.license}"),
            ("ER", ""),
        ]
        return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines)
