"""The SVM baseline of paper 1 (section IV-B a): an RBF-kernel SVC on the 72-d hand-crafted vector.

Training uses scikit-learn (``StandardScaler`` then ``SVC(kernel="rbf")``). The trained model is
not pickled: its arrays (scaler mean and scale, support vectors, dual coefficients, intercepts,
gamma) become the buffers of :class:`RBFSVM`, a torch module that computes scikit-learn's
``decision_function`` from them, so it is saved and loaded like every other dancekit model
(``model.safetensors`` + ``model.json``, sha256-checked) and needs no scikit-learn to run.

Multi-class SVC is one-vs-one: for the pair (i, j) of classes the decision value is
``sum_sv coef * exp(-gamma * |x - sv|^2) + b``, where the support vectors of class i carry
row j-1 of ``dual_coef_`` and those of class j row i (scikit-learn's documented layout).
The pairs vote; scikit-learn's "ovr" scores are votes plus a confidence term in (-1/3, 1/3),
and with ``break_ties=True`` (used here) ``predict`` is their argmax, so the forward output
(the same scores) ranks the classes exactly as the fitted SVC does.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from dancekit.errors import DancekitError
from dancekit.features.handcrafted import HANDCRAFTED_NAMES

ARCHITECTURE = "svm_rbf"
N_FEATURES = len(HANDCRAFTED_NAMES)


class FeatureError(DancekitError, ValueError):
    """Feature vectors or labels an SVM cannot be trained on or applied to."""


def _check_features(features: Any, n_features: int | None = None) -> np.ndarray:
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise FeatureError(f"expected a non-empty [n, features] array, got shape {x.shape}")
    if n_features is not None and x.shape[1] != n_features:
        raise FeatureError(f"expected {n_features} features per vector, got {x.shape[1]}")
    if not np.all(np.isfinite(x)):
        raise FeatureError("features contain NaN or infinity")
    return x


def resolve_gamma(scaled: np.ndarray, gamma: float | str = "scale") -> float:
    """scikit-learn's gamma rules ("scale": 1 / (n_features * var), "auto": 1 / n_features) as a number.

    Resolving it before fitting keeps the value a public, stored number instead of a private attribute.

    Parameters
    ----------
    scaled : np.ndarray
        ``[n, features]`` standardised training vectors.
    gamma : float or {"scale", "auto"}
        The rule, or a positive number kept as it is.

    Returns
    -------
    float
        The kernel's gamma.

    Raises
    ------
    FeatureError
        For any other string or a number that is not positive.
    """
    if gamma == "scale":
        var = float(scaled.var())
        return 1.0 / (scaled.shape[1] * var) if var != 0 else 1.0
    if gamma == "auto":
        return 1.0 / scaled.shape[1]
    if isinstance(gamma, str) or not float(gamma) > 0:
        raise FeatureError(f"gamma must be 'scale', 'auto' or a positive number, not {gamma!r}")
    return float(gamma)


def fit_svm(features: Any, labels: Sequence[int], n_classes: int | None = None, C: float = 1.0,
            gamma: float | str = "scale"):
    """A fitted scikit-learn pipeline (standardisation, RBF SVC) on ``[n, 72]`` features and labels 0..C-1.

    Parameters
    ----------
    features : array-like
        ``[n, features]`` finite training vectors.
    labels : sequence of int
        One label per vector, covering every class 0..C-1.
    n_classes : int, optional
        C; by default the largest label plus one.
    C : float
        The SVC's regularisation.
    gamma : float or {"scale", "auto"}
        The RBF width, see :func:`resolve_gamma`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``"scale"`` and ``"svc"``, ready for :meth:`RBFSVM.from_sklearn`.

    Raises
    ------
    FeatureError
        For bad vectors, or labels that miss a class or fall outside 0..C-1.
    """
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    x = _check_features(features)
    y = np.asarray(labels)
    if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise FeatureError(f"expected {x.shape[0]} integer labels, got shape {y.shape} of {y.dtype}")
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    missing = sorted(set(range(n_classes)) - set(y.tolist()))
    if y.min() < 0 or y.max() >= n_classes or missing:
        raise FeatureError(f"labels must cover 0..{n_classes - 1}; missing {missing}" if missing
                           else f"labels must lie in 0..{n_classes - 1}")
    scaler = StandardScaler().fit(x)
    scaled = scaler.transform(x)
    svc = SVC(kernel="rbf", C=C, gamma=resolve_gamma(scaled, gamma), decision_function_shape="ovr",
              break_ties=True)
    svc.fit(scaled, y)
    return Pipeline([("scale", scaler), ("svc", svc)])


class RBFSVM(nn.Module):
    """A fitted RBF SVC as arrays: ``[B, n_features]`` -> class scores ``[B, C]`` (argmax = prediction).

    The buffers start empty; :meth:`from_sklearn` or ``load_state_dict`` fills them.

    Parameters
    ----------
    num_classes : int
        Number of classes, at least 2.
    n_support : sequence of int
        Support vectors per class, at least one each.
    n_features : int
        Length of one feature vector.
    """

    def __init__(self, num_classes: int, n_support: Sequence[int], n_features: int = N_FEATURES):
        super().__init__()
        n_support = [int(n) for n in n_support]
        if num_classes < 2 or len(n_support) != num_classes or min(n_support) < 1:
            raise ValueError(f"need >= 1 support vector for each of {num_classes} classes, got {n_support}")
        self.num_classes, self.n_features, self.n_support = num_classes, n_features, n_support
        n_sv, n_pairs = sum(n_support), num_classes * (num_classes - 1) // 2
        f64 = torch.float64
        self.register_buffer("mean", torch.zeros(n_features, dtype=f64))
        self.register_buffer("scale", torch.ones(n_features, dtype=f64))
        self.register_buffer("support_vectors", torch.zeros(n_sv, n_features, dtype=f64))
        self.register_buffer("dual_coef", torch.zeros(num_classes - 1, n_sv, dtype=f64))
        self.register_buffer("intercept", torch.zeros(n_pairs, dtype=f64))
        self.register_buffer("gamma", torch.ones((), dtype=f64))
        # Which dual_coef entries weigh each support vector in each pair: fixed by n_support alone.
        starts = np.concatenate([[0], np.cumsum(n_support)])
        rows, sv_index, pair_index = [], [], []
        for p, (i, j) in enumerate((i, j) for i in range(num_classes) for j in range(i + 1, num_classes)):
            for row, cls in ((j - 1, i), (i, j)):
                svs = np.arange(starts[cls], starts[cls + 1])
                rows.append(np.full(len(svs), row)), sv_index.append(svs), pair_index.append(np.full(len(svs), p))
        self.register_buffer("_rows", torch.as_tensor(np.concatenate(rows)), persistent=False)
        self.register_buffer("_svs", torch.as_tensor(np.concatenate(sv_index)), persistent=False)
        self.register_buffer("_pairs", torch.as_tensor(np.concatenate(pair_index)), persistent=False)

    @classmethod
    def from_sklearn(cls, pipeline) -> "RBFSVM":
        """Copy the arrays of a pipeline from :func:`fit_svm` (classes must be 0..C-1).

        Parameters
        ----------
        pipeline : sklearn.pipeline.Pipeline
            A fitted pipeline with steps ``"scale"`` and ``"svc"``.

        Returns
        -------
        RBFSVM
            A module that scores as the pipeline does, without scikit-learn.
        """
        scaler, svc = pipeline.named_steps["scale"], pipeline.named_steps["svc"]
        if svc.kernel != "rbf" or not np.array_equal(svc.classes_, np.arange(len(svc.classes_))):
            raise ValueError("expected an RBF SVC fitted on labels 0..C-1")
        net = cls(len(svc.classes_), svc.n_support_.tolist(), int(svc.support_vectors_.shape[1]))
        dual_coef, intercept = np.asarray(svc.dual_coef_), np.asarray(svc.intercept_)
        if len(svc.classes_) == 2:  # scikit-learn negates the binary case's public arrays; undo it
            dual_coef, intercept = -dual_coef, -intercept
        arrays = {"mean": scaler.mean_, "scale": scaler.scale_, "support_vectors": svc.support_vectors_,
                  "dual_coef": dual_coef, "intercept": intercept, "gamma": np.float64(svc.gamma)}
        for name, value in arrays.items():
            getattr(net, name).copy_(torch.as_tensor(np.asarray(value, dtype=np.float64)))
        return net

    def pairwise_decision(self, features: torch.Tensor) -> torch.Tensor:
        """One-vs-one decision values ``[B, C(C-1)/2]``, pair (i, j) > 0 voting for i (libsvm's sign).

        Parameters
        ----------
        features : torch.Tensor
            ``[B, n_features]`` raw (unscaled) vectors.

        Returns
        -------
        torch.Tensor
            float64 values, pairs in scikit-learn's order (0, 1), (0, 2), ..., (1, 2), ...
        """
        if features.dim() != 2 or features.shape[1] != self.n_features:
            raise FeatureError(f"the SVM expects [B, {self.n_features}] feature vectors, got {tuple(features.shape)}")
        x = (features.to(torch.float64) - self.mean) / self.scale
        kernel = torch.exp(-self.gamma * torch.cdist(x, self.support_vectors).square())  # [B, n_sv]
        weights = torch.zeros(self.support_vectors.shape[0], self.intercept.shape[0], dtype=torch.float64,
                              device=x.device)
        weights[self._svs, self._pairs] = self.dual_coef[self._rows, self._svs]
        return kernel @ weights + self.intercept

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """scikit-learn's "ovr" scores: one-vs-one votes plus a confidence term in (-1/3, 1/3).

        Parameters
        ----------
        features : torch.Tensor
            The vectors to classify, ``[B, n_features]``.

        Returns
        -------
        torch.Tensor
            ``[B, num_classes]`` scores whose argmax is the SVC's prediction.
        """
        dec = self.pairwise_decision(features)
        votes = torch.zeros(dec.shape[0], self.num_classes, dtype=dec.dtype, device=dec.device)
        confidence = torch.zeros_like(votes)
        for p, (i, j) in enumerate((i, j) for i in range(self.num_classes) for j in range(i + 1, self.num_classes)):
            votes[:, i] += (dec[:, p] >= 0).to(dec.dtype)
            votes[:, j] += (dec[:, p] < 0).to(dec.dtype)
            confidence[:, i] += dec[:, p]
            confidence[:, j] -= dec[:, p]
        return votes + confidence / (3 * (confidence.abs() + 1))

    def decision_function(self, features: torch.Tensor) -> torch.Tensor:
        """Exactly scikit-learn's ``decision_function``: ``[B]`` for two classes, else ``[B, C]``.

        Parameters
        ----------
        features : torch.Tensor
            Vectors as :meth:`forward` takes them.
        """
        if self.num_classes == 2:
            return -self.pairwise_decision(features)[:, 0]
        return self(features)


def build_svm(num_classes: int, n_support: Sequence[int], n_features: int = N_FEATURES) -> RBFSVM:
    """An empty SVM of the card's shape, to be filled by ``load_state_dict`` (the registry's builder).

    Parameters
    ----------
    num_classes, n_support, n_features
        As for :class:`RBFSVM`.

    Returns
    -------
    RBFSVM
        Buffers not yet filled.
    """
    return RBFSVM(num_classes, n_support, n_features)
