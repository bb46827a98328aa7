"""The contractive autoencoder (Rifai et al.): codes that change little when the input does."""

from __future__ import annotations

import dataclasses

from aekit._keras import keras
from aekit.models.autoencoder import DenseShape
from aekit.models.base import Autoencoder, dense_parts
from aekit.models.config import Float, setting

ops = keras.ops

# d activation / d pre-activation, from the pre-activation a and the output y
_DERIVATIVES = {
    "relu": lambda a, y: ops.cast(a > 0, a.dtype),
    "linear": lambda a, y: ops.ones_like(a),
    "tanh": lambda a, y: 1.0 - ops.square(y),
    "sigmoid": lambda a, y: y * (1.0 - y),
    "softplus": lambda a, y: ops.sigmoid(a),
    "elu": lambda a, y: ops.where(a > 0, ops.ones_like(a), y + 1.0),
}


def jacobian_norms(encoder, images):
    """‖∂z/∂x‖²_F per image for a fully connected encoder, in closed form (no automatic
    differentiation, so it is the same on every Keras backend).

    With kernels W_l and activation slopes s_l, ∂z/∂x = W_1 diag(s_1) W_2 … W_L diag(s_L). The
    product is carried from the code's side (latent_dim columns, cheap), and the first kernel
    enters through its Gram matrix W_1ᵀW_1, computed once per batch.
    """
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    hidden, slopes = images, []
    for layer in dense:
        name = layer.activation.__name__
        if name not in _DERIVATIVES:
            raise ValueError(f"the contractive penalty supports activations {', '.join(_DERIVATIVES)}, "
                             f"but layer {layer.name!r} uses {name}")
        before = ops.matmul(hidden, layer.kernel) + layer.bias
        hidden = layer.activation(before)
        slopes.append(_DERIVATIVES[name](before, hidden))
    carried = slopes[-1][:, :, None] * ops.eye(dense[-1].units)[None]          # (n, d, d)
    for layer, slope in zip(dense[:0:-1], slopes[-2::-1]):                       # from the code back
        carried = slope[:, :, None] * ops.einsum("ij,njk->nik", layer.kernel, carried)
    gram = ops.matmul(ops.transpose(dense[0].kernel), dense[0].kernel)           # W_1ᵀ W_1
    return ops.sum(carried * ops.einsum("ij,njk->nik", gram, carried), axis=(1, 2))


@dataclasses.dataclass(frozen=True)
class ContractiveConfig(DenseShape):
    name = "contractive"
    title = "Contractive autoencoder"

    contraction: float = setting(0.1, Float(0.0, 10.0, low_open=True),
                                 "weight λ of the penalty on the encoder's Jacobian")

    def build(self, *, seed=None) -> "ContractiveAutoencoder":
        encoder, decoder = dense_parts(784, self.hidden_units, self.latent_dim)
        return ContractiveAutoencoder(encoder, decoder, contraction=self.contraction,
                                      name="contractive_autoencoder")


CONFIG = ContractiveConfig


@keras.saving.register_keras_serializable(package="aekit")
class ContractiveAutoencoder(Autoencoder):
    """The loss adds ``contraction`` × the squared Frobenius norm of the encoder's Jacobian."""

    loss_names = ("loss", "reconstruction_loss", "contraction_penalty")

    def __init__(self, encoder, decoder, contraction: float = ContractiveConfig.contraction, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.contraction = ContractiveConfig.check("contraction", contraction)

    def losses_for(self, images, training=False):
        reconstruction = ops.mean(ops.square(self(images, training=training) - images))
        penalty = ops.mean(jacobian_norms(self.encoder, images))
        return reconstruction + self.contraction * penalty, reconstruction, penalty

    def settings(self) -> dict:
        return {"contraction": self.contraction}

    def diagram_notes(self) -> dict:
        return {"latent": f"the loss adds\n{self.contraction:g} · ‖∂z/∂x‖²"}
