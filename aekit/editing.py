"""Q2's evidence: what editing one element of the latent code does to the decoded image, and
what the bottleneck keeps, measured from each run so the notebook's sentences stay true.

The measures and the words follow the data: strokes of digits, the shape of garments, the
brightness, contrast and colour of photographs (:func:`aekit.measures.kind_of`).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from aekit._checks import check_images, check_int
from aekit._keras import check_model, keras
from aekit._markdown import markdown_table, ordinal
from aekit.latent import check_adjustments, check_codes, decode, encode
from aekit.measures import DIGITS, classify, kind_of


@dataclasses.dataclass(frozen=True, repr=False)
class EditReport:
    """Measured effect of each latent edit on one image; shows itself as Markdown in Jupyter.
    ``rows[0]`` is the unedited reconstruction, then one row per edit."""

    rows: list[dict]
    sentences: list[str]
    kind: object = DIGITS
    names: tuple = ()  # how the classifier's classes read in a sentence ("a 1", "“Sandal”")

    def to_markdown(self) -> str:
        header = (["panel", "code", "edited element vs training codes", "pixel MSE vs reconstruction"]
                  + [m.name + (f" ({m.unit.strip()})" if m.unit.strip() else "") for m in self.kind.measures]
                  + (["classifier reads"] if self.names else []))
        return (markdown_table(header, (self._cells(r) for r in self.rows)) + "\n\n"
                + "\n".join(f"- {s}" for s in self.sentences))

    def _cells(self, r) -> list[str]:
        return ([r["panel"], self._code(r), _position(r),
                 f"{r['mse']:.4f}" if "mse" in r else "—"]
                + [m.format.format(r["measures"][m.name]) for m in self.kind.measures]
                + ([f"{self.names[r['class']].strip('“”')} ({r['confidence']:.0%})"] if self.names else []))

    def _code(self, row) -> str:
        """The whole code when it is short; else the edited elements, so the table stays readable."""
        code = row["code"]
        if len(code) <= 4:
            return f"({', '.join(f'{v:.2f}' for v in code)})"
        dims = sorted({r["dim"] for r in self.rows[1:]}) if "dim" not in row else [row["dim"]]
        return ", ".join(f"z[{d}] = {code[d]:.2f}" for d in dims) + f" (of {len(code)})"

    def _left(self, row) -> bool:
        return not _inside(row)

    def _switched(self, row) -> bool:
        return bool(self.names) and row["class"] != self.rows[0]["class"]

    @property
    def outside(self) -> list[str]:
        """The edits that moved their element outside the range of the training codes."""
        return [r["panel"] for r in self.rows[1:] if self._left(r)]

    @property
    def changed(self) -> list[str]:
        """The edits after which the classifier reads another class (none without a classifier)."""
        return [r["panel"] for r in self.rows[1:] if self._switched(r)]

    def summary(self) -> str:
        """One sentence on all the edits: how many left the training codes, how many changed the class."""
        edits = self.rows[1:]
        kept = sum(not (self._left(r) or self._switched(r)) for r in edits)
        noun = self.kind.noun if self.kind is DIGITS else "class"
        what = "stayed among the training codes" + (f" and kept the {noun}" if self.names else "")
        if len(edits) == 1:
            return (f"The one edit {what}." if kept else
                    f"The one edit, {edits[0]['panel']}, " + ("left the range of the training codes"
                    if self._left(edits[0]) else "stayed among the training codes")
                    + (f" and made the classifier read another {noun}" if self._switched(edits[0]) else "") + ".")
        rest = ("" if kept == 0 else f"; all {kept} {what}" if kept == len(edits) else f"; the other {kept} {what}")
        changed = (f" and {_some(self.changed)} made the classifier read another {noun} than "
                   f"{self.names[self.rows[0]['class']]}" if self.names else "")
        return (f"Of the {len(edits)} edits, {_some(self.outside)} moved the edited element outside the "
                f"range of the training codes{changed}{rest}.")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def _some(labels) -> str:
    return f"{len(labels)} ({', '.join(labels)})" if labels else "none"


@dataclasses.dataclass(frozen=True, repr=False)
class ReconstructionReport:
    """What the bottleneck keeps, measured on held-out images; shows itself as a sentence."""

    mse: float           # mean squared error per pixel
    misread: float       # share of reconstructions the classifier reads as another class than the label
    control: float       # share of the original images it misreads
    n: int
    misread_shown: int   # of the first ``shown`` images, as in the reconstruction figure
    shown: int
    noun: str = "digit"  # what a class is called: "digit", or "class" for other images

    def to_markdown(self) -> str:
        sentence = f"Held-out reconstructions have MSE {self.mse:.4f} per pixel."
        if math.isnan(self.misread):  # no classes to read
            return sentence
        verdict = (f"the code keeps the shape of the image but often not which {self.noun} it is"
                   if self.misread > self.control + 0.05 else
                   f"the code keeps which {self.noun} it is about as well as the originals show it")
        return (f"{sentence} The classifier reads {self.misread:.0%} of the {self.n:,} reconstructions "
                f"as another {self.noun} than the label ({self.misread_shown} of the first {self.shown} "
                f"shown above), against {self.control:.0%} of the original images: {verdict}.")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def measure_reconstructions(images, labels, reconstructions, classifier: keras.Model | None, *,
                            shown: int = 10, data=None) -> ReconstructionReport:
    """Held-out error, and how often ``classifier`` reads another class in a reconstruction than
    the image's label, with its misreadings of the originals as the control (``classifier``
    None: the error only). ``data`` says what the classes are called (digits by default). Of the
    first ``shown`` images (as many as there are, if fewer), the report counts the misread ones
    apart: the figure above it shows them."""
    images = check_images("images", images)
    reconstructions = check_images("reconstructions", reconstructions, images.shape[1])
    labels = np.asarray(labels)
    if reconstructions.shape != images.shape or labels.shape != (len(images),):
        raise ValueError(f"images, reconstructions and labels must match: got {images.shape}, "
                         f"{reconstructions.shape} and {labels.shape}")
    shown = min(check_int("shown", shown, 1), len(images))  # a small folder holds fewer held-out images
    mse = float(np.mean((reconstructions - images) ** 2))
    noun = "digit" if data is None or kind_of(data) is DIGITS else "class"
    if classifier is None:
        return ReconstructionReport(mse, math.nan, math.nan, len(images), 0, shown, noun)
    misread = classify(classifier, reconstructions)[0] != labels
    control = classify(classifier, images)[0] != labels
    return ReconstructionReport(mse, float(misread.mean()), float(control.mean()), len(images),
                                int(misread[:shown].sum()), shown, noun)


def describe_adjustments(encoder, decoder, image, adjustments, train_codes,
                         classifier: keras.Model | None, *, data=None) -> EditReport:
    """Compare the reconstruction of ``image`` after each edit with the unedited reconstruction.

    For each :class:`~aekit.Adjustment` it reports where the edited element lies among the
    training codes (standard deviations from their mean, and percentile), and how the decoded
    image changed: pixel error, the measures of its kind of image (``data``'s; digits by
    default), and the class a classifier trained on the same data reads (if there is one).
    """
    image = check_images("image", image)[:1]
    adjustments = check_adjustments(adjustments)
    if classifier is not None:
        check_model("classifier", classifier)
    kind = DIGITS if data is None else kind_of(data)
    names = (tuple(kind.name_of(data, k) for k in range(len(data.class_names))) if data is not None
             else tuple(f"{'an' if d == 8 else 'a'} {d}" for d in range(10))) if classifier is not None else ()
    code = encode(encoder, image)[0]
    train_codes = check_codes("train_codes", train_codes, len(code))
    edited = [a.apply(code) for a in adjustments]
    pictures = decode(decoder, np.stack([code] + edited))
    measured = kind.measure(pictures)
    classes, confidence = classify(classifier, pictures) if classifier is not None else ([0] * len(pictures),) * 2
    mean, std = train_codes.mean(axis=0), train_codes.std(axis=0)

    rows = []
    for k, (label, z) in enumerate([("reconstruction", code)] + [(a.label, e) for a, e in zip(adjustments, edited)]):
        row = {"panel": label, "code": z, "measures": {name: float(values[k]) for name, values in measured.items()},
               "class": int(classes[k]), "confidence": float(confidence[k])}
        if k:  # an edit: where its element lies among the training codes, and the pixel change
            dim, column = adjustments[k - 1].dim, train_codes[:, adjustments[k - 1].dim]
            row.update(dim=dim, low=float(column.min()), high=float(column.max()),
                       n_train=len(column), mse=float(np.mean((pictures[k] - pictures[0]) ** 2)),
                       sigmas=float((z[dim] - mean[dim]) / std[dim]) if std[dim] > 0 else math.inf,
                       below=float((column < z[dim]).mean()))
        rows.append(row)
    sentences = [_sentence(adjustment, code, edited[k], rows[0], rows[k + 1], kind, names)
                 for k, adjustment in enumerate(adjustments)]
    return EditReport(rows, sentences, kind, names)


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


def _sentence(adjustment, code, edited, base, new, kind, names) -> str:
    d = adjustment.dim
    span = f"{new['n_train']:,} training codes ({new['low']:.2f} to {new['high']:.2f})"
    where = (f"still inside the range of the {span}" if _inside(new) else
             f"outside the range of all {span}, where the decoder never learned what to draw")
    changes = ", ".join(_change(m, base["measures"][m.name], new["measures"][m.name]) for m in kind.measures)
    verdict = ""
    if names:
        verdict = (f"; the classifier still reads {names[new['class']]} "
                   f"({base['confidence']:.0%} → {new['confidence']:.0%} confident)"
                   if new["class"] == base["class"] else
                   f"; the classifier now reads {names[new['class']]} ({new['confidence']:.0%} confident) "
                   f"instead of {names[base['class']]}")
    return (f"**{adjustment.label}** moves z[{d}] from {code[d]:.2f} to {edited[d]:.2f} "
            f"({new['sigmas']:+.1f} σ from the training codes' mean), {where}. Against the unedited "
            f"reconstruction the image changes by pixel MSE {new['mse']:.4f}: {changes}{verdict}.")


def _change(measure, old: float, new: float) -> str:
    """ "ink 56 → 73 (+30%)", "slant +21° → +27°": a measure before and after an edit."""
    text = f"{measure.name} {measure.format.format(old)}{measure.unit} → {measure.format.format(new)}{measure.unit}"
    if measure.unit == "" and not set("%+") & set(measure.format) and old > 0 and abs(new / old - 1) >= 0.005:
        text += f" ({new / old - 1:+.0%})"
    return text


def headline(bottleneck: ReconstructionReport, edits: EditReport) -> dict:
    """Q2's key results, for its closing table and the report's index."""
    results = {"held-out reconstruction MSE per pixel": f"{bottleneck.mse:.4f}"}
    if not math.isnan(bottleneck.misread):
        results[f"reconstructions read as another {bottleneck.noun}"] = \
            f"{bottleneck.misread:.0%} (originals: {bottleneck.control:.0%})"
    total = len(edits.rows) - 1
    results["edits outside the training codes"] = f"{len(edits.outside)} of {total}"
    if edits.names:
        results[f"edits that change the {bottleneck.noun}"] = f"{len(edits.changed)} of {total}"
    return results
