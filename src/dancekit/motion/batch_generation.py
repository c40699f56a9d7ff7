"""One song heard several ways, danced in one batch: a step model's motion for C versions of its audio.

Why beside :mod:`dancekit.motion.generate`: an evaluation plays the same song clean and under
several noises; batching the versions runs the network once per chunk instead of once per version.
No seed and no upright fix here: the motion stays in the model's normalised features, as evaluated.
"""

from __future__ import annotations

import numpy as np
import torch

from dancekit.models.files import LoadedModel


def generate_motion_batch(model: LoadedModel, features: torch.Tensor, dance_index: int | None,
                          chunk: int = 300, phase: torch.Tensor | None = None) -> np.ndarray:
    """Normalised motion ``[C, T, D]`` for C audio versions ``[C, T, bins, stft]`` of one song.

    Parameters
    ----------
    model : LoadedModel
        A step generator (:func:`dancekit.models.dance_rnn.load_dance_rnn`); every version starts
        from its card's mean pose.
    features : torch.Tensor
        Normalised power patches ``[C, T, bins, stft]``
        (:func:`dancekit.features.step_audio.normalise_power`).
    dance_index : int or None
        The dance to condition on (None for an unconditioned model).
    chunk : int
        Frames per network call (the LSTM states carry over).
    phase : torch.Tensor, optional
        ``[C, T, phase_dim]`` beat and bar phase of each version (a phase-aware model needs it;
        :func:`dancekit.features.step_phase.frame_phase`).

    Returns
    -------
    ndarray
        ``[C, T, D]`` float32.
    """
    net = model.network
    start = torch.as_tensor(model.card.frontend["motion"]["mean_pose"], dtype=torch.float32)
    state = net.init_state(start[None].expand(len(features), -1).contiguous())
    parts = []
    with torch.inference_mode():
        for first in range(0, features.shape[1], chunk):
            part = None if phase is None else phase[:, first:first + chunk]
            motion, state = net.step(features[:, first:first + chunk], state, dance_index, phase=part)
            parts.append(motion)
    return torch.cat(parts, dim=1).numpy()
