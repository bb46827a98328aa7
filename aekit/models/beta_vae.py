"""The β-VAE (Higgins et al.): a VAE whose KL term weighs β > 1, for codes whose elements each
control one visible factor. The model is a :class:`~aekit.models.vae.VAE`; only its settings differ."""

from __future__ import annotations

import dataclasses

from aekit.models.config import Float, Int, setting
from aekit.models.vae import VAE, VAEConfig, make_vae


@dataclasses.dataclass(frozen=True)
class BetaVAEConfig(VAEConfig):
    name = "beta_vae"
    title = "β-VAE"

    latent_dim: int = setting(8, Int(1, 1024), "length of the latent code")
    beta: float = setting(4.0, Float(1.0, 1000.0, low_open=True,
                                     hint="β = 1 is the plain VAE (choose the variation 'vae')"),
                          "weight β of the KL term, > 1")

    def build(self, *, seed=None) -> VAE:
        return make_vae(hidden_units=self.hidden_units, latent_dim=self.latent_dim, beta=self.beta, seed=seed,
                        name=self.name)


CONFIG = BetaVAEConfig
