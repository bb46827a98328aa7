"""Keras, imported once for the whole package, and everything that differs between its backends.

aekit runs on Keras's TensorFlow backend (the default) and its JAX backend (``KERAS_BACKEND=jax``).
Models and losses are ``keras.ops``; only the compiled training epoch, seeding and the switch to
deterministic kernels depend on the backend, and all three are here (:func:`epoch_runner`,
:func:`seed_keras`, :func:`make_deterministic`).

On its backend, TensorFlow writes lines such as ``oneDNN custom operations are on`` and ``Could not find cuda
drivers`` to the process's stderr while it loads, before its own log level applies. A notebook
shows them as red error boxes, so aekit imports Keras with file descriptor 2 captured, then
passes on every line that is not one of those known start-up messages. Once Keras is in, it
registers every variation's classes with it, so saved models load.
"""

import math
import os
import random
import re
import sys
import tempfile
import warnings

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_CHATTER = re.compile(r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
                      r"Could not find cuda drivers|cpu_feature_guard|This TensorFlow binary is optimized|"
                      r"To enable the following instructions|rebuild TensorFlow with the appropriate|"
                      r"failed call to cuInit|Unable to register cu(DNN|FFT|BLAS) factory|TF-TRT Warning|"
                      r"computation placer already registered|^\s*$")


def _import_keras_quietly():
    if "keras" in sys.modules:
        import keras
        return keras
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        try:
            os.dup2(captured.fileno(), 2)
            import keras
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines()
    kept = [line for line in lines if not _CHATTER.search(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)
    return keras


keras = _import_keras_quietly()


def register_variations() -> None:
    """Import every variation so Keras knows their classes (a broken one is reported, not fatal).

    aekit's import hook (in ``aekit/__init__.py``) calls this once no aekit module is half-imported."""
    global _registered
    if _registered:
        return
    _registered = True
    import aekit.variations  # it takes `keras` from this module, set above

    for name in aekit.variations.names():
        try:
            aekit.variations.get(name)
        except Exception as error:  # a variation with a bug must not break every import of Keras
            warnings.warn(f"aekit could not load the variation {name!r}: {error}", stacklevel=2)


_registered = False


def seed_keras(seed: int) -> None:
    """Seed Python, NumPy and Keras's global seed generator, as ``keras.utils.set_random_seed``
    does, but without importing TensorFlow on JAX (Keras seeds it too, for tf.data; loading it
    costs 3.5 s and 400 MB here, and aekit needs none of it)."""
    if keras.backend.backend() == "jax":
        try:  # Keras has no public way to do this alone
            from keras.src.backend.common import global_state
            from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR
            from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED
        except ImportError:  # a Keras that moved them: seed as Keras does
            pass
        else:
            random.seed(seed)
            np.random.seed(seed)
            global_state.set_global_attribute(GLOBAL_RANDOM_SEED, seed)
            global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, None)
            return
    keras.utils.set_random_seed(seed)  # seeds TensorFlow too, and PyTorch on torch


def make_deterministic() -> None:
    """Ask the backend for repeatable results: TensorFlow's op determinism (JAX on a CPU is
    deterministic already)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def epoch_runner(model, x_train, x_val, batch_size: int, seed: int, schedule):
    """Compile ``model`` (an aekit model) with Adam following the learning-rate ``schedule`` and
    return ``(run_epoch, evaluate)``.

    ``run_epoch(epoch)`` shuffles ``x_train`` (from ``seed`` and ``epoch``), takes a gradient step
    on the model's own loss per batch (the last, smaller batch kept, as Keras does) and returns
    the mean of each of its ``loss_names`` over the steps; ``evaluate()`` returns them on ``x_val``
    (None without it). The data stay on the device and each epoch is one compiled call.
    """
    name = keras.backend.backend()
    if name == "tensorflow":
        return _tensorflow_runner(model, x_train, x_val, batch_size, seed, schedule)
    if name == "jax":
        return _jax_runner(model, x_train, x_val, batch_size, seed, schedule)
    raise RuntimeError(f"aekit.train runs on the 'tensorflow' and 'jax' Keras backends, not on {name!r}: "
                       f"set KERAS_BACKEND before Keras is imported")


def _tensorflow_runner(model, x_train, x_val, batch_size, seed, schedule):
    import tensorflow as tf

    model.compile(optimizer=keras.optimizers.Adam(schedule))
    model.optimizer.build(model.trainable_variables)
    n, losses, variables = len(x_train), model.losses_for, model.trainable_variables
    steps, n_losses = math.ceil(n / batch_size), len(model.loss_names)

    @tf.function
    def run_epoch(x, seeds):
        order = tf.random.experimental.stateless_shuffle(tf.range(n), seed=seeds)
        totals = [tf.constant(0.0)] * n_losses
        for step in tf.range(steps):
            batch = tf.gather(x, order[step * batch_size:(step + 1) * batch_size])
            with tf.GradientTape() as tape:
                values = losses(batch, training=True)
            model.optimizer.apply(tape.gradient(values[0], variables), variables)
            totals = [total + value for total, value in zip(totals, values)]
        return [t / steps for t in totals]

    evaluate = tf.function(lambda x: losses(x, training=False))
    x_train = tf.constant(x_train)
    x_val = None if x_val is None else tf.constant(x_val)
    return (lambda epoch: [float(v) for v in run_epoch(x_train, tf.constant([seed, epoch]))],
            None if x_val is None else lambda: [float(v) for v in evaluate(x_val)])


def _jax_runner(model, x_train, x_val, batch_size, seed, schedule):
    import jax
    import jax.numpy as jnp

    # A number, not the schedule: each step gets its rate from a table computed once per epoch,
    # before the loop (below), because the schedule's scalar arithmetic at each step costs ~15 %.
    model.compile(optimizer=keras.optimizers.Adam(schedule.initial_learning_rate))
    model.optimizer.build(model.trainable_variables)
    n = len(x_train)
    full, rest = divmod(n, batch_size)
    steps = full + (rest > 0)
    groups = (model.trainable_variables, model.non_trainable_variables, model.optimizer.variables)
    rate_slot = next(i for i, v in enumerate(groups[2]) if v is model.optimizer.learning_rate)

    def losses(trainable, others, images, training):
        """The model's losses with these weights, and its non-trainable state after the call
        (a sampling layer's seed advances)."""
        mapping = [*zip(groups[0], trainable), *zip(groups[1], others)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            values = model.losses_for(images, training=training)
        after = [scope.get_current_value(v) for v in groups[1]]
        return values, [new if new is not None else old for new, old in zip(after, others)]

    def step(state, images, rate):
        trainable, others, slots = state
        slots = [rate if i == rate_slot else slot for i, slot in enumerate(slots)]

        def total(weights):
            values, others_after = losses(weights, others, images, True)
            return values[0], (values, others_after)

        (_, (values, others)), gradients = jax.value_and_grad(total, has_aux=True)(trainable)
        trainable, slots = model.optimizer.stateless_apply(slots, gradients, trainable)
        return (list(trainable), list(others), list(slots)), jnp.stack(values)

    def run_epoch(state, x, epoch):
        order = jax.random.permutation(jax.random.fold_in(jax.random.key(seed), epoch), n)
        rates = schedule(epoch * float(steps) + jnp.arange(steps, dtype="float32"))
        state, values = jax.lax.scan(lambda carry, batch: step(carry, x[batch[0]], batch[1]), state,
                                     (order[:full * batch_size].reshape(full, batch_size), rates[:full]))
        totals = values.sum(axis=0)
        if rest:  # the last, smaller batch: one more step outside the scan, whose batches are equal
            state, last = step(state, x[order[full * batch_size:]], rates[full])
            totals = totals + last
        return state, totals / steps

    @jax.jit
    def evaluate(trainable, others, x):
        return jnp.stack(losses(trainable, others, x, False)[0])

    x_train = jnp.asarray(x_train)
    x_val = None if x_val is None else jnp.asarray(x_val)

    def state_now():
        return tuple([v.value for v in group] for group in groups)

    run_epoch = _compile_with_region_analysis(run_epoch, state_now(), x_train, 0)

    def run(epoch):
        state, means = run_epoch(state_now(), x_train, epoch)
        for group, values in zip(groups, state):  # the Keras variables hold the result, as on TensorFlow
            for variable, value in zip(group, values):
                variable.assign(value)
        return means.tolist()

    return run, None if x_val is None else (
        lambda: evaluate(*state_now()[:2], x_val).tolist())


def _compile_with_region_analysis(function, *example):
    """``jax.jit(function)`` compiled for arguments like ``example``, with XLA's region analysis
    for copy insertion where this XLA has it.

    Without it, XLA:CPU copies every weight matrix that the backward pass reads (the decoder's
    64 × 784 kernel, say) at each step of the epoch's loop, because it cannot prove that the
    read comes before the in-place update (README, *Performance*: 13 % of an epoch at batch 16).
    Other platforms accept the option and ignore it."""
    import jax

    lowered = jax.jit(function).lower(*example)
    try:
        return lowered.compile({"xla_cpu_copy_insertion_use_region_analysis": True})
    except jax.errors.JaxRuntimeError as error:
        if "No such compile option" not in str(error):
            raise
        return lowered.compile()
