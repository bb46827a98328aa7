"""A model's settings, each stated once: its default, its valid range and what it means.

A model module declares a frozen dataclass of :func:`setting` fields (``SparseConfig(latent_dim=32,
sparsity=0.01)``). Making one checks every value and names the first bad one with its range;
``config.build(seed=…)`` builds the model. The notebooks' parameter checks, the docs' tables and
the tests read the defaults and ranges from the config, never from a copy.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from aekit._checks import check_choice, check_float, check_int


@dataclasses.dataclass(frozen=True)
class Int:
    """An integer in [low, high]; ``hint`` says why, when the range is the model's own choice."""

    low: int
    high: int
    hint: str = ""

    def __call__(self, name: str, value) -> int:
        return _hinted(lambda: check_int(name, value, self.low, self.high), self.hint)

    def describe(self) -> str:
        return f"integer in [{self.low}, {self.high}]"


@dataclasses.dataclass(frozen=True)
class Float:
    """A finite number in [low, high], or (low, high] with ``low_open``."""

    low: float
    high: float
    low_open: bool = False
    hint: str = ""

    def __call__(self, name: str, value) -> float:
        return _hinted(lambda: check_float(name, value, self.low, self.high, low_open=self.low_open),
                       self.hint)

    def describe(self) -> str:
        return f"number in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"


@dataclasses.dataclass(frozen=True)
class Choice:
    """One of a few values."""

    options: tuple

    def __call__(self, name: str, value):
        return check_choice(name, value, self.options)

    def describe(self) -> str:
        return "one of " + ", ".join(f"`{option!r}`" for option in self.options)


def _hinted(check, hint: str):
    try:
        return check()
    except ValueError as error:
        if not hint:
            raise
        raise ValueError(f"{error}: {hint}") from None


@dataclasses.dataclass(frozen=True)
class Setting:
    """What a config states about one of its fields: how to check a value, and what it means."""

    check: Int | Float | Choice
    doc: str


def setting(default, check, doc: str):
    """A config field with its default, its check (which states the valid range) and its meaning."""
    return dataclasses.field(default=default, metadata={"setting": Setting(check, doc)})


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """The base of every model's config: ``name`` (as the registry knows it), ``title`` (as a
    reader does), and the settings as dataclass fields. Subclasses implement :meth:`build`."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __post_init__(self):
        for field in dataclasses.fields(self):
            if "setting" in field.metadata:
                value = field.metadata["setting"].check(field.name, getattr(self, field.name))
                object.__setattr__(self, field.name, value)

    @classmethod
    def settings(cls) -> dict[str, tuple[object, Setting]]:
        """Every setting's default and :class:`Setting`, in the order the config declares them."""
        return {field.name: (field.default, field.metadata["setting"]) for field in dataclasses.fields(cls)
                if "setting" in field.metadata}

    @classmethod
    def check(cls, name: str, value):
        """``value`` checked as this config's setting ``name`` (for a model made without a config)."""
        return cls.settings()[name][1].check(name, value)

    def values(self) -> dict:
        """This config's settings as a dict (what the model was built with)."""
        return {name: getattr(self, name) for name in self.settings()}

    def build(self, *, seed: int | None = None):
        """The Keras model these settings describe (``seed`` fixes its random draws, if it makes any)."""
        raise NotImplementedError
