"""How far reviewers agree: for each pair of reviewers, the flags both decided, how many
they decided alike and Cohen's kappa (agreement beyond what their confirm/dismiss rates
would give by chance), plus the flags decided differently. Data in, data out."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from align.review.carryover import QueueItem


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    both: int  # flags both reviewers decided
    agreed: int
    kappa: float | None  # None when it is undefined (no shared flags, or no variation)

    @property
    def share(self) -> float | None:
        return self.agreed / self.both if self.both else None


def pair_agreement(items: list[QueueItem]) -> list[PairAgreement]:
    """Every pair of reviewers who decided at least one flag in common."""
    names = sorted({name for item in items for name in item.decided_by}, key=str.casefold)
    pairs = []
    for first, second in combinations(names, 2):
        shared = [
            (item.decided_by[first], item.decided_by[second])
            for item in items if first in item.decided_by and second in item.decided_by
        ]
        if shared:
            agreed = sum(a == b for a, b in shared)
            pairs.append(PairAgreement(first, second, len(shared), agreed, cohen_kappa(shared)))
    return pairs


def cohen_kappa(decisions: list[tuple[str, str]]) -> float | None:
    n = len(decisions)
    if not n:
        return None
    observed = sum(a == b for a, b in decisions) / n
    labels = {label for pair in decisions for label in pair}
    expected = sum(
        (sum(a == label for a, _ in decisions) / n) * (sum(b == label for _, b in decisions) / n)
        for label in labels
    )
    return None if expected >= 1 else (observed - expected) / (1 - expected)


def disputes(items: list[QueueItem]) -> list[QueueItem]:
    """Flags two reviewers decided differently, in queue order."""
    return [item for item in items if item.disputed]
