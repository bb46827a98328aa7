"""Q2's evidence: what editing one element of the latent code does to the decoded image, and
what the bottleneck keeps, measured from each run so the notebook's sentences stay true."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from aekit._checks import check_images, check_int, check_model
from aekit._markdown import markdown_table, ordinal
from aekit.backend import keras
from aekit.latent import check_adjustments, check_codes, decode, encode
from aekit.measures import classify, measure_images

@dataclasses.dataclass(frozen=True, repr=False)
class EditReport:
    """Measured effect of each latent edit on one image; shows itself as Markdown in Jupyter."""

    rows: list[dict]
    sentences: list[str]

    def to_markdown(self) -> str:
        header = ["panel", "code", "edited element vs training codes", "pixel MSE vs reconstruction",
                  "ink", "thickness (px)", "slant (°)", "centre (x, y) px", "classifier sees"]
        return (markdown_table(header, map(_table_cells, self.rows)) + "\n\n"
                + "\n".join(f"- {s}" for s in self.sentences))

    @property
    def outside(self) -> list[str]:
        """The edits that moved their element outside the range of the training codes."""
        return [r["panel"] for r in self.rows[1:] if not _inside(r)]

    @property
    def changed(self) -> list[str]:
        """The edits after which the classifier reads another digit."""
        return [r["panel"] for r in self.rows[1:] if r["digit"] != self.rows[0]["digit"]]

    def summary(self) -> str:
        """One sentence on all the edits: how many left the training codes, how many changed the digit."""
        total = len(self.rows) - 1
        kept = total - len(set(self.outside) | set(self.changed))
        rest = ("" if kept == 0 else f"; all {total} stayed among the training codes and kept the digit"
                if kept == total else f"; the other {kept} stayed among the training codes and kept the digit")
        return (f"Of the {total} edits, {_some(self.outside)} moved the edited element outside the range "
                f"of the training codes and {_some(self.changed)} made the classifier read another digit "
                f"than {_a(self.rows[0]['digit'])}{rest}.")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def _some(labels) -> str:
    return f"{len(labels)} ({', '.join(labels)})" if labels else "none"


@dataclasses.dataclass(frozen=True, repr=False)
class ReconstructionReport:
    """What the bottleneck keeps, measured on held-out images; shows itself as a sentence."""

    mse: float           # mean squared error per pixel
    misread: float       # share of reconstructions the classifier reads as another digit than the label
    control: float       # share of the original images it misreads
    n: int
    misread_shown: int   # of the first ``shown`` images, as in the reconstruction figure
    shown: int

    def to_markdown(self) -> str:
        verdict = ("the code keeps the shape of a digit but often not which digit it is"
                   if self.misread > self.control + 0.05 else
                   "the code keeps which digit it is about as well as the originals show it")
        return (f"Held-out reconstructions have MSE {self.mse:.4f} per pixel. The classifier reads "
                f"{self.misread:.0%} of the {self.n:,} reconstructions as another digit than the label "
                f"({self.misread_shown} of the first {self.shown} shown above), against "
                f"{self.control:.0%} of the original images: {verdict}.")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def measure_reconstructions(images, labels, reconstructions, classifier: keras.Model, *,
                            shown: int = 10) -> ReconstructionReport:
    """Held-out error, and how often ``classifier`` reads another digit in a reconstruction than
    the image's label, with its misreadings of the originals as the control."""
    images = check_images("images", images, 784)
    reconstructions = check_images("reconstructions", reconstructions, 784)
    labels = np.asarray(labels)
    if reconstructions.shape != images.shape or labels.shape != (len(images),):
        raise ValueError(f"images, reconstructions and labels must match: got {images.shape}, "
                         f"{reconstructions.shape} and {labels.shape}")
    shown = check_int("shown", shown, 1, len(images))
    misread = classify(classifier, reconstructions)[0] != labels
    control = classify(classifier, images)[0] != labels
    return ReconstructionReport(float(np.mean((reconstructions - images) ** 2)), float(misread.mean()),
                                float(control.mean()), len(images), int(misread[:shown].sum()), shown)


def describe_adjustments(encoder, decoder, image, adjustments, train_codes,
                         classifier: keras.Model) -> EditReport:
    """Compare the reconstruction of ``image`` after each edit with the unedited reconstruction.

    For each :class:`~aekit.Adjustment` it reports where the edited element lies among the
    training codes (standard deviations from their mean, and percentile), and how the decoded
    image changed: pixel error, ink, stroke thickness, slant, position and the digit a
    classifier trained on the same data sees.
    """
    image = check_images("image", image, 784)[:1]
    adjustments = check_adjustments(adjustments)
    check_model("classifier", classifier)
    code = encode(encoder, image)[0]
    train_codes = check_codes("train_codes", train_codes, len(code))
    edited = [a.apply(code) for a in adjustments]
    pictures = decode(decoder, np.stack([code] + edited))
    measures = measure_images(pictures)
    digits, confidence = classify(classifier, pictures)
    mean, std = train_codes.mean(axis=0), train_codes.std(axis=0)

    rows = []
    for k, (label, z) in enumerate([("reconstruction", code)] + [(a.label, e) for a, e in zip(adjustments, edited)]):
        row = {"panel": label, "code": z,
               "ink": measures.ink[k], "thickness": measures.thickness[k], "slant": measures.slant[k],
               "cx": measures.centre_x[k], "cy": measures.centre_y[k],
               "digit": int(digits[k]), "confidence": float(confidence[k])}
        if k:  # an edit: where its element lies among the training codes, and the pixel change
            dim, column = adjustments[k - 1].dim, train_codes[:, adjustments[k - 1].dim]
            row.update(dim=dim, low=float(column.min()), high=float(column.max()),
                       n_train=len(column), mse=float(np.mean((pictures[k] - pictures[0]) ** 2)),
                       sigmas=float((z[dim] - mean[dim]) / std[dim]) if std[dim] > 0 else math.inf,
                       below=float((column < z[dim]).mean()))
        rows.append(row)
    sentences = [_sentence(adjustment, code, edited[k], rows[0], rows[k + 1])
                 for k, adjustment in enumerate(adjustments)]
    return EditReport(rows, sentences)


def _table_cells(r) -> list[str]:
    return [r["panel"], f"({', '.join(f'{v:.2f}' for v in r['code'])})", _position(r),
            f"{r['mse']:.4f}" if "mse" in r else "—", f"{r['ink']:.0f}", f"{r['thickness']:.2f}",
            f"{r['slant']:+.0f}", f"({r['cx']:.1f}, {r['cy']:.1f})",
            f"{r['digit']} ({r['confidence']:.0%})"]


def _inside(row) -> bool:
    return row["low"] <= row["code"][row["dim"]] <= row["high"]


def _position(row) -> str:
    """Where an edited element lies among the training codes, for the table."""
    if "dim" not in row:
        return "—"
    if not _inside(row):
        where = "outside every training code"
    elif 0.01 <= row["below"] <= 0.99:
        where = f"{ordinal(round(100 * row['below']))} percentile"
    else:
        where = f"{100 * row['below']:.1f}th percentile, at the edge"
    return f"{row['sigmas']:+.1f} σ, {where}"


def _sentence(adjustment, code, edited, base, new) -> str:
    d = adjustment.dim
    span = f"{new['n_train']:,} training codes ({new['low']:.2f} to {new['high']:.2f})"
    where = (f"still inside the range of the {span}" if _inside(new) else
             f"outside the range of all {span}, where the decoder never learned what to draw")
    ink_change = (new["ink"] - base["ink"]) / base["ink"] if base["ink"] > 0 else 0.0
    moves = _movement(new["cx"] - base["cx"], new["cy"] - base["cy"])
    if new["digit"] == base["digit"]:
        verdict = (f"the classifier still sees {_a(new['digit'])} "
                   f"({base['confidence']:.0%} → {new['confidence']:.0%} confident)")
    else:
        verdict = (f"the classifier now sees {_a(new['digit'])} ({new['confidence']:.0%} confident) "
                   f"instead of {_a(base['digit'])}")
    return (f"**{adjustment.label}** moves z[{d}] from {code[d]:.2f} to {edited[d]:.2f} "
            f"({new['sigmas']:+.1f} σ from the training codes' mean), {where}. Against the unedited "
            f"reconstruction the image changes by pixel MSE {new['mse']:.4f}: ink "
            f"{ink_change:+.0%}, strokes {base['thickness']:.1f} → {new['thickness']:.1f} px thick, "
            f"slant {base['slant']:+.0f}° → {new['slant']:+.0f}°, {moves}; {verdict}.")


def _a(digit: int) -> str:
    return f"{'an' if digit == 8 else 'a'} {digit}"


def _movement(dx: float, dy: float) -> str:
    if math.hypot(dx, dy) < 0.5:
        return "its centre stays put"
    parts = [f"{abs(dx):.1f} px {'right' if dx > 0 else 'left'}" if abs(dx) >= 0.5 else "",
             f"{abs(dy):.1f} px {'down' if dy > 0 else 'up'}" if abs(dy) >= 0.5 else ""]
    return "its centre moves " + " and ".join(p for p in parts if p)


