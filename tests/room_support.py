"""Two people's uploads for the session-isolation tests (imported as ``tests.room_support``).

Each person's file has its own organisation code, name, marker string, file name and
headcounts, all larger than any band or tier of any trust in the synthetic sample (the largest
sample trust has 14,179 staff in all), so that a page of the sample never shows one of them by
coincidence and finding one in another session's output means it leaked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER = "Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"


@dataclass(frozen=True)
class Person:
    code: str
    name: str
    marker: str
    file: str
    counts: tuple[tuple[str, int, int], ...]  # (band, White British, Indian)

    def csv(self) -> bytes:
        """An aggregate counts CSV: one row per band and ethnicity."""
        rows = [f"{self.code},{self.name},2024,Band {band},{label},{n}\n"
                for band, white, indian in self.counts
                for label, n in (("White British", white), ("Indian", indian))]
        return (HEADER + "".join(rows)).encode()

    def patterns(self) -> list[re.Pattern[bytes]]:
        """What identifies this upload wherever it appears: code, name, marker, file name, and
        each headcount of 1,000 or more as a whole number ("41,113" or "41113")."""
        words = [self.code, self.name, self.marker, self.file]
        numbers = [n for _, white, indian in self.counts for n in (white, indian) if n >= 1000]
        found = [re.escape(w) for w in words] + [
            rf"(?<![\d,.]){n:,}(?![\d,])|(?<![\d,.]){n}(?![\d,])" for n in numbers]
        return [re.compile(p.encode()) for p in found]

    def found_in(self, sent: bytes) -> list[str]:
        return [p.pattern.decode() for p in self.patterns() if p.search(sent)]


ALPHA = Person("RAA", "RAA Alpha QZALPHAQZ Trust", "QZALPHAQZ", "alpha_qzalphaqz.csv",
               (("5", 41113, 21139), ("6", 31147, 11159), ("7", 21163, 7177),
                ("8a", 15187, 1193)))
BETA = Person("RBB", "RBB Beta QZBETAQZ Trust", "QZBETAQZ", "beta_qzbetaqz.csv",
              (("5", 53311, 33317), ("6", 43331, 13337), ("7", 23353, 7359),
               ("8a", 17363, 1373)))
PEOPLE = (ALPHA, BETA)
