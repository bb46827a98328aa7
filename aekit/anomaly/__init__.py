"""Q3, anomaly detection: models trained on normal images score how badly they explain a new one.

- :mod:`~aekit.anomaly.splits`: the data (:func:`split`, :func:`load_other`, :func:`pool`);
- :mod:`~aekit.anomaly.scores`: the detectors and their five scores (:func:`train_detectors`);
- :mod:`~aekit.anomaly.comparison`: normal against anomalous images (:func:`compare`,
  :func:`comparisons`, AUROCs and thresholds);
- :mod:`~aekit.anomaly.text`: what the comparisons showed, in tables and computed sentences.
"""

from aekit.anomaly.comparison import Comparison, Detection, compare, comparisons
from aekit.anomaly.scores import (AUTOENCODER, CONVOLUTIONAL, ELBO_SAMPLES, FLOOR, NELBO, SCORES, SERRA, UNITS,
                                  Detectors, complexity, entropy_floor, reconstruct, reconstruction_error,
                                  train_detectors)
from aekit.anomaly.splits import Pool, Split, load_other, name_of, pool, split
from aekit.anomaly.text import WRONG_WAY, complexity_of, findings, headline, pixel_table, table, verdict

__all__ = ["AUTOENCODER", "CONVOLUTIONAL", "ELBO_SAMPLES", "FLOOR", "NELBO", "SCORES", "SERRA", "UNITS", "WRONG_WAY",
           "Comparison", "Detection", "Detectors", "Pool", "Split", "compare", "comparisons", "complexity",
           "complexity_of", "entropy_floor", "findings", "headline", "load_other", "name_of", "pixel_table",
           "pool", "reconstruct", "reconstruction_error", "split", "table", "train_detectors", "verdict"]
