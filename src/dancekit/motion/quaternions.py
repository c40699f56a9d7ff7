"""Vectorised unit-quaternion helpers, scalar first ``(w, x, y, z)`` as in the paper (transforms3d order).

Every function works on arrays of any leading shape ``[..., 4]`` / ``[..., 3]``, so a whole clip
([T, J, 4]) is one call. Numpy only: scipy.spatial would add 0.4 s to the start of every
``dancekit generate``.
"""

from __future__ import annotations

import numpy as np

IDENTITY = np.array([1.0, 0.0, 0.0, 0.0])


def normalize(q: np.ndarray) -> np.ndarray:
    """Unit length; a zero quaternion (a degenerate network output) becomes the identity.

    Parameters
    ----------
    q : np.ndarray [shape=(..., 4)]
        Quaternions of any length.

    Returns
    -------
    np.ndarray [shape=(..., 4)]
        Unit quaternions (float64).
    """
    q = np.asarray(q, dtype=np.float64)
    norm = np.linalg.norm(q, axis=-1, keepdims=True)
    out = np.where(norm > 1e-12, q / np.maximum(norm, 1e-12), IDENTITY)
    return out


def multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product ``a * b`` (apply ``b`` first, then ``a``): how joint rotations chain down a skeleton.

    Parameters
    ----------
    a, b : np.ndarray [shape=(..., 4)]
        Quaternions; leading shapes broadcast.

    Returns
    -------
    np.ndarray [shape=(..., 4)]
    """
    aw, ax, ay, az = np.moveaxis(np.asarray(a, dtype=np.float64), -1, 0)
    bw, bx, by, bz = np.moveaxis(np.asarray(b, dtype=np.float64), -1, 0)
    return np.stack([
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    ], axis=-1)


def conjugate(q: np.ndarray) -> np.ndarray:
    """Inverse of a unit quaternion (cheaper than a general inverse, and exact for unit length).

    Parameters
    ----------
    q : np.ndarray [shape=(..., 4)]
        Unit quaternions.

    Returns
    -------
    np.ndarray [shape=(..., 4)]
        ``(w, -x, -y, -z)``.
    """
    return np.asarray(q, dtype=np.float64) * np.array([1.0, -1.0, -1.0, -1.0])


def rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors ``v`` [..., 3] by unit quaternions ``q`` [..., 4] (broadcasting).

    Parameters
    ----------
    q : np.ndarray [shape=(..., 4)]
        Unit quaternions.
    v : np.ndarray [shape=(..., 3)]
        Vectors.

    Returns
    -------
    np.ndarray [shape=(..., 3)]
        The rotated vectors, in the broadcast shape.
    """
    q = np.asarray(q, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    w, u = q[..., :1], q[..., 1:]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def to_matrix(q: np.ndarray) -> np.ndarray:
    """[..., 4] -> [..., 3, 3], for code that composes rotations as matrices.

    Parameters
    ----------
    q : np.ndarray [shape=(..., 4)]
        Unit quaternions, scalar first.

    Returns
    -------
    np.ndarray [shape=(..., 3, 3)]
        Rotation matrices.
    """
    w, x, y, z = np.moveaxis(normalize(np.asarray(q, dtype=np.float64)), -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=-1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=-1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=-1),
    ], axis=-2)


def from_matrix(m: np.ndarray) -> np.ndarray:
    """[..., 3, 3] rotation matrices -> [..., 4] unit quaternions with ``w >= 0``.

    Parameters
    ----------
    m : np.ndarray [shape=(..., 3, 3)]
        Rotation matrices.

    Returns
    -------
    np.ndarray [shape=(..., 4)]
        Scalar-first unit quaternions in the ``w >= 0`` hemisphere (see :func:`continuous` for a
        sequence without sign jumps).
    """
    m = np.asarray(m, dtype=np.float64)
    flat = m.reshape(-1, 3, 3)
    # Shepperd's method: divide by the largest of 4w^2, 4x^2, 4y^2, 4z^2, so no division is near 0
    diag = np.stack([np.trace(flat, axis1=1, axis2=2), flat[:, 0, 0], flat[:, 1, 1], flat[:, 2, 2]], axis=1)
    pick = np.argmax(diag, axis=1)
    trace = diag[:, 0]
    r = lambda i, j: flat[:, i, j]  # noqa: E731
    candidates = np.stack([
        np.stack([1 + trace, r(2, 1) - r(1, 2), r(0, 2) - r(2, 0), r(1, 0) - r(0, 1)], axis=1),
        np.stack([r(2, 1) - r(1, 2), 1 + 2 * r(0, 0) - trace, r(0, 1) + r(1, 0), r(0, 2) + r(2, 0)], axis=1),
        np.stack([r(0, 2) - r(2, 0), r(0, 1) + r(1, 0), 1 + 2 * r(1, 1) - trace, r(1, 2) + r(2, 1)], axis=1),
        np.stack([r(1, 0) - r(0, 1), r(0, 2) + r(2, 0), r(1, 2) + r(2, 1), 1 + 2 * r(2, 2) - trace], axis=1),
    ], axis=1)
    q = normalize(candidates[np.arange(len(flat)), pick])
    q *= np.where(q[:, :1] < 0, -1.0, 1.0)
    return q.reshape(m.shape[:-2] + (4,))


def shortest_arc(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The minimal rotation taking direction ``u`` onto direction ``v`` (no twist about either).

    Opposite directions have no unique minimal rotation; a half turn about an axis
    perpendicular to ``u`` is used there (any such axis is equally minimal).

    Parameters
    ----------
    u, v : np.ndarray [shape=(..., 3)]
        Directions (any non-zero length); leading shapes broadcast.

    Returns
    -------
    np.ndarray [shape=(..., 4)]
        Unit quaternions with ``rotate(q, u)`` pointing along ``v``.
    """
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    u = u / np.maximum(np.linalg.norm(u, axis=-1, keepdims=True), 1e-12)
    v = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)
    u, v = np.broadcast_arrays(u, v)
    dot = np.sum(u * v, axis=-1, keepdims=True)
    q = np.concatenate([1.0 + dot, np.cross(u, v)], axis=-1)
    opposite = (1.0 + dot[..., 0]) < 1e-8
    if np.any(opposite):
        uo = u[opposite]
        helper = np.where(np.abs(uo[:, :1]) < 0.9, np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
        axis = np.cross(uo, helper)
        axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
        q[opposite] = np.concatenate([np.zeros((len(uo), 1)), axis], axis=-1)
    return normalize(q)


def continuous(q: np.ndarray, axis: int = 0) -> np.ndarray:
    """Flip signs along ``axis`` (time) so consecutive quaternions are in the same hemisphere.

    ``q`` and ``-q`` are the same rotation; a network (and linear interpolation) needs the
    representation without jumps. The first frame keeps its sign.

    Parameters
    ----------
    q : np.ndarray [shape=(..., 4)]
        Quaternions, one per step along ``axis``.
    axis : int
        The time axis.

    Returns
    -------
    np.ndarray
        A copy of ``q`` with signs flipped where needed.
    """
    q = np.moveaxis(np.asarray(q, dtype=np.float64), axis, 0).copy()
    if len(q) > 1:
        dots = np.sum(q[1:] * q[:-1], axis=-1)
        flips = np.cumprod(np.where(dots < 0, -1.0, 1.0), axis=0)
        q[1:] *= flips[..., None]
    return np.moveaxis(q, 0, axis)

