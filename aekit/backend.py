"""Everything that differs between Keras's backends: seeding, deterministic kernels, and the
compiled training epoch (:func:`epoch_runner`) on TensorFlow and on JAX.

Models and losses are ``keras.ops`` and run on either backend. An epoch is one compiled call on
the device: the data (and labels) stay there, are shuffled together, and each batch takes one
gradient step per player of the model (:meth:`aekit.models.Trainable.steps`), each player with an
Adam optimiser of its own that updates only its own weights.
"""

from __future__ import annotations

import math
import random

import numpy as np

from aekit._keras import keras


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
    keras.utils.set_random_seed(seed)


def make_deterministic() -> None:
    """Ask the backend for repeatable results: TensorFlow's op determinism (JAX on a CPU is
    deterministic already)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # the backend's own library, loaded only on that backend

        tf.config.experimental.enable_op_determinism()


def epoch_runner(model, data: tuple, validation: tuple | None, batch_size: int, seed: int, schedule):
    """Compile ``model``'s training epoch and return ``(run_epoch, evaluate)``.

    ``data`` is ``(images,)`` or ``(images, labels)``, ``validation`` the same or None. Each player
    of ``model.steps()`` gets an Adam optimiser following the learning-rate ``schedule`` (a model
    with one player is compiled with it, so Keras's ``evaluate``, ``save`` and ``fit`` work
    afterwards). ``run_epoch(epoch)`` shuffles the data (from ``seed`` and ``epoch``), takes each
    player's gradient step per batch (the last, smaller batch kept, as Keras does) and returns the
    mean over the batches of every value the players name; ``evaluate()`` returns them on the
    validation data (None without it).
    """
    steps = model.steps()
    name = keras.backend.backend()
    if name == "tensorflow":
        return _tensorflow_runner(model, steps, data, validation, batch_size, seed, schedule)
    return _jax_runner(model, steps, data, validation, batch_size, seed, schedule)


def compiled(function):
    """``function`` (of arrays, written in ``keras.ops``) compiled with XLA, once per shape of its
    arguments, taking and returning NumPy arrays. Compile it for one job, not for good: the model
    weights it reads may be baked in (as JAX does) and must not change while it is used.

    On TensorFlow, each shape is traced as a concrete function: a ``tf.function`` called with many
    shapes, or remade for many models, would make TensorFlow warn about retracing.
    """
    if keras.backend.backend() == "jax":
        import jax  # the backend's own library, loaded only on that backend

        jitted = jax.jit(function)
        return lambda *arrays: np.asarray(jitted(*arrays))
    import tensorflow as tf  # the backend's own library, loaded only on that backend

    traced = {}

    def call(*arrays):
        key = tuple((array.shape, array.dtype.str) for array in arrays)
        if key not in traced:
            traced[key] = tf.function(function, jit_compile=True, autograph=False).get_concrete_function(
                *[tf.TensorSpec(array.shape, array.dtype) for array in arrays])
        return traced[key](*arrays).numpy()

    return call


def _optimisers(model, steps, learning_rate):
    optimisers = [keras.optimizers.Adam(learning_rate, beta_1=step.beta_1) for step in steps]
    if len(steps) == 1:
        model.compile(optimizer=optimisers[0])
    for step, optimiser in zip(steps, optimisers):
        optimiser.build(step.variables)
    return optimisers


def _tensorflow_runner(model, steps, data, validation, batch_size, seed, schedule):
    import tensorflow as tf  # the backend's own library, loaded only on that backend

    optimisers = _optimisers(model, steps, schedule)
    n = len(data[0])
    batches = math.ceil(n / batch_size)
    n_values = sum(len(step.names) for step in steps)

    def run_epoch(*tensors):
        *tensors, seeds = tensors
        order = tf.random.experimental.stateless_shuffle(tf.range(n), seed=seeds)

        def batch_step(b, totals):
            index = order[b * batch_size:(b + 1) * batch_size]
            batch = [tf.gather(tensor, index) for tensor in tensors]
            values = []
            for step, optimiser in zip(steps, optimisers):
                with tf.GradientTape() as tape:
                    found = step.losses(*batch, training=True)
                optimiser.apply(tape.gradient(found[0], step.variables), step.variables)
                values += list(found)
            return b + 1, [total + value for total, value in zip(totals, values)]

        _, totals = tf.while_loop(lambda b, _: b < batches, batch_step,
                                  (tf.constant(0), [tf.constant(0.0)] * n_values))
        return [total / batches for total in totals]

    def evaluate(*tensors):
        return [value for step in steps for value in step.losses(*tensors, training=False)]

    # Concrete functions, traced once for this model: a tf.function called for many models in one
    # process (six variations, a sweep) would make TensorFlow warn about retracing. The loop is
    # written as a while_loop, not left to AutoGraph, which would write a module per function into
    # the temporary folder, removed only when the process exits cleanly (a killed kernel does not).
    tensors = [tf.constant(array) for array in data]
    specs = [tf.TensorSpec(t.shape, t.dtype) for t in tensors]
    compiled = tf.function(run_epoch, autograph=False).get_concrete_function(*specs, tf.TensorSpec([2], tf.int32))
    run = lambda epoch: [float(v) for v in compiled(*tensors, tf.constant([seed, epoch], tf.int32))]
    if validation is None:
        return run, None
    held_out = [tf.constant(array) for array in validation]
    checked = tf.function(evaluate, autograph=False).get_concrete_function(
        *[tf.TensorSpec(t.shape, t.dtype) for t in held_out])
    return run, lambda: [float(v) for v in checked(*held_out)]


def _jax_runner(model, steps, data, validation, batch_size, seed, schedule):
    import jax  # the backend's own library, loaded only on that backend
    import jax.numpy as jnp

    # A number, not the schedule: each step gets its rate from a table computed once per epoch,
    # before the loop (below), because the schedule's scalar arithmetic at each step costs ~15 %.
    optimisers = _optimisers(model, steps, schedule.initial_learning_rate)
    n = len(data[0])
    full, rest = divmod(n, batch_size)
    batches = full + (rest > 0)
    trainable, others = model.trainable_variables, model.non_trainable_variables
    position = {id(variable): i for i, variable in enumerate(trainable)}
    owned = [[position[id(variable)] for variable in step.variables] for step in steps]
    rate_slots = [next(i for i, v in enumerate(o.variables) if v is o.learning_rate) for o in optimisers]

    def losses(step, trainable_values, other_values, batch, training):
        """A player's losses with these weights, and the non-trainable state after the call (a
        sampling layer's seed advances)."""
        mapping = [*zip(trainable, trainable_values), *zip(others, other_values)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            values = step.losses(*batch, training=training)
        after = [scope.get_current_value(v) for v in others]
        return values, [new if new is not None else old for new, old in zip(after, other_values)]

    def update(state, batch, rate):
        trainable_values, other_values, slots = list(state[0]), state[1], [list(s) for s in state[2]]
        values = []
        for k, (step, optimiser) in enumerate(zip(steps, optimisers)):
            own = [trainable_values[i] for i in owned[k]]
            slots[k] = [rate if i == rate_slots[k] else slot for i, slot in enumerate(slots[k])]

            def total(weights, k=k, step=step):
                current = list(trainable_values)
                for i, weight in zip(owned[k], weights):
                    current[i] = weight
                found, others_after = losses(step, current, other_values, batch, True)
                return found[0], (found, others_after)

            (_, (found, other_values)), gradients = jax.value_and_grad(total, has_aux=True)(own)
            own, slots[k] = optimiser.stateless_apply(slots[k], gradients, own)
            for i, weight in zip(owned[k], own):
                trainable_values[i] = weight
            slots[k] = list(slots[k])
            values += list(found)
        return (trainable_values, list(other_values), slots), jnp.stack(values)

    def run_epoch(state, arrays, epoch):
        order = jax.random.permutation(jax.random.fold_in(jax.random.key(seed), epoch), n)
        rates = schedule(epoch * float(batches) + jnp.arange(batches, dtype="float32"))
        state, values = jax.lax.scan(
            lambda carry, item: update(carry, tuple(array[item[0]] for array in arrays), item[1]), state,
            (order[:full * batch_size].reshape(full, batch_size), rates[:full]))
        totals = values.sum(axis=0)
        if rest:  # the last, smaller batch: one more step outside the scan, whose batches are equal
            state, last = update(state, tuple(array[order[full * batch_size:]] for array in arrays), rates[full])
            totals = totals + last
        return state, totals / batches

    @jax.jit
    def evaluate(trainable_values, other_values, arrays):
        return jnp.stack([value for step in steps
                          for value in losses(step, trainable_values, other_values, arrays, False)[0]])

    arrays = tuple(jnp.asarray(array) for array in data)
    held_out = None if validation is None else tuple(jnp.asarray(array) for array in validation)

    def state_now():
        return ([v.value for v in trainable], [v.value for v in others],
                [[v.value for v in optimiser.variables] for optimiser in optimisers])

    run_epoch = _compile_with_region_analysis(run_epoch, state_now(), arrays, 0)

    def run(epoch):
        state, means = run_epoch(state_now(), arrays, epoch)
        # The Keras variables hold the result, as on TensorFlow.
        for variables, values in zip([trainable, others] + [o.variables for o in optimisers],
                                     [state[0], state[1], *state[2]]):
            for variable, value in zip(variables, values):
                variable.assign(value)
        return means.tolist()

    return run, None if held_out is None else (lambda: evaluate(*state_now()[:2], held_out).tolist())


def _compile_with_region_analysis(function, *example):
    """``jax.jit(function)`` compiled for arguments like ``example``, with XLA's region analysis
    for copy insertion where this XLA has it.

    Without it, XLA:CPU copies every weight matrix that the backward pass reads (the decoder's
    64 × 784 kernel, say) at each step of the epoch's loop, because it cannot prove that the
    read comes before the in-place update (docs/performance.md: 13 % of an epoch at batch 16).
    Other platforms accept the option and ignore it."""
    import jax  # the backend's own library, loaded only on that backend

    lowered = jax.jit(function).lower(*example)
    try:
        return lowered.compile({"xla_cpu_copy_insertion_use_region_analysis": True})
    except jax.errors.JaxRuntimeError as error:
        if "No such compile option" not in str(error):
            raise
        return lowered.compile()
