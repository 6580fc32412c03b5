"""Fit the link confidence's logistic regression (``CONFIDENCE_COEF`` in
align/aligner/sentences.py) on the calibration documents of the alignment dev sets and print
the coefficient block to paste into that module, with the reliability curve of the fitted
model on the held-out documents.

    python scripts/fit_confidence.py [--model NAME]

Each two-sided link the aligner outputs (default settings) is one example, labelled by
whether it is exactly a gold link (the strict rule of ``align bench alignment``), with the
module's own ``bead_features``. Calibration documents: every dev set whose name says
"calibration" (``align.bench.devsets``); held out: the rest, never seen by the fit. The fit is
``align.bench.alignment.fit_confidence``; the reliability is printed per held-out dev set.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.aligner.sentences import link_confidence  # noqa: E402
from align.bench.alignment import confidence_examples, fit_confidence, reliability  # noqa: E402
from align.bench.devsets import dev_sets  # noqa: E402
from align.embed.encoders import load_encoder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    encoder = load_encoder(args.model)
    sets = dev_sets(REPO.parent / "shared")
    calibration = [p for name, ps in sets.items() if "calibration" in name for p in ps]
    x, y = confidence_examples(calibration, encoder)
    coef = {k: round(v, 4) for k, v in fit_confidence(x, y).items()}
    print(f"# {len(y)} calibration links, {sum(y) / len(y):.3f} exactly gold")
    print(f"CONFIDENCE_COEF = {coef!r}")
    features = list(coef)[1:]
    for name, pairs in sets.items():
        if "calibration" in name:
            continue
        hx, hy = confidence_examples(pairs, encoder)
        judged = [(link_confidence(dict(zip(features, row)), coef), ok) for row, ok in zip(hx, hy)]
        print(f"# {name}: {len(hy)} links, {sum(hy) / len(hy):.3f} exactly gold")
        for b in reliability(judged):
            share = f"{b['correct']:.3f}" if b["correct"] is not None else "-"
            print(f"#   {b['lo']:.1f}-{b['hi']:.1f}: {b['links']} links, {share} exactly gold")


if __name__ == "__main__":
    main()
