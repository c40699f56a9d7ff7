"""Classification metrics as the papers report them: top-k accuracy, confusion, per-class P/R/F."""

from __future__ import annotations

import numpy as np


def top_k_accuracy(scores: np.ndarray, labels: np.ndarray, k: int = 1) -> float:
    """Share of rows whose true label is among the ``k`` highest scores.

    Parameters
    ----------
    scores : np.ndarray
        ``[rows, classes]`` scores, probabilities or log-probabilities.
    labels : np.ndarray
        True class index of each row.
    k : int
        How many of the best classes count.

    Returns
    -------
    float
        In [0, 1]; NaN for no rows.
    """
    if len(labels) == 0:
        return float("nan")
    top = np.argsort(-scores, axis=1)[:, :k]
    return float((top == np.asarray(labels)[:, None]).any(axis=1).mean())


def confusion_matrix(predicted: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Rows are the true classes, columns the predicted ones (as paper 2 Fig. 4).

    Parameters
    ----------
    predicted : np.ndarray
        Predicted class index of each item.
    labels : np.ndarray
        True class index of each item.
    n_classes : int
        Size of the matrix.

    Returns
    -------
    np.ndarray
        int64 counts ``[n_classes, n_classes]``.
    """
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predicted)), 1)
    return matrix


def per_class_scores(matrix: np.ndarray, classes: list[str]) -> list[dict]:
    """Precision, recall and F-score of each class from a confusion matrix (paper 2 Table 4).

    Parameters
    ----------
    matrix : np.ndarray
        A :func:`confusion_matrix`.
    classes : list of str
        Class names, in the matrix's order.

    Returns
    -------
    list of dict
        ``class``, ``precision``, ``recall``, ``f_score`` and ``support`` per class (0 where undefined).
    """
    rows = []
    for i, name in enumerate(classes):
        tp = matrix[i, i]
        precision = tp / matrix[:, i].sum() if matrix[:, i].sum() else 0.0
        recall = tp / matrix[i].sum() if matrix[i].sum() else 0.0
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"class": name, "precision": float(precision), "recall": float(recall), "f_score": float(f),
                     "support": int(matrix[i].sum())})
    return rows


def recording_report(probabilities: np.ndarray, labels: np.ndarray, classes: list[str]) -> dict:
    """Top-1, top-2, per-class recall and the confusions of recording-level answers, for a model card.

    Parameters
    ----------
    probabilities : np.ndarray
        ``[recordings, classes]`` class probabilities.
    labels : np.ndarray
        True class index of each recording.
    classes : list of str
        Class names, in the columns' order.

    Returns
    -------
    dict
        ``n``, ``top1``, ``top2``, ``per_class_recall`` and ``confusion`` (true -> predicted -> count,
        non-zero cells only), over the classes present in ``labels``.
    """
    labels = np.asarray(labels)
    predicted = probabilities.argmax(1)
    matrix = confusion_matrix(predicted, labels, len(classes))
    present = sorted(set(labels.tolist()))
    return {"n": int(len(labels)), "top1": top_k_accuracy(probabilities, labels, 1),
            "top2": top_k_accuracy(probabilities, labels, 2),
            "per_class_recall": {classes[t]: float(matrix[t, t] / matrix[t].sum()) for t in present},
            "confusion": {classes[t]: {classes[p]: int(matrix[t, p]) for p in np.flatnonzero(matrix[t])}
                          for t in present}}


def balanced_accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """Mean recall over the classes present in ``labels`` (scikit-learn's balanced accuracy).

    A class that is predicted but never true has no recall and is left out, so chance is one over
    the number of classes present, whatever the class shares.

    Parameters
    ----------
    predicted : np.ndarray
        Predicted class of each item.
    labels : np.ndarray
        True class of each item.

    Returns
    -------
    float
        NaN when ``labels`` is empty.
    """
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    recalls = [float(np.mean(predicted[labels == c] == c)) for c in np.unique(labels)]
    return float(np.mean(recalls)) if recalls else float("nan")
