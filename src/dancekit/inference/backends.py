"""Where a classifier's network runs: torch (any device) or ONNX Runtime (CPU, without importing torch).

Both take numpy segments ``[n, bins, frames]`` and give numpy softmax probabilities ``[n, C]``,
so one pipeline serves both. ONNX Runtime answers within ~1e-6 of torch on the ballroom model and
saves the 1.5-2 s of ``import torch`` that dominated a 2-core command's start.
"""

from __future__ import annotations

import os

import numpy as np

from dancekit.runtime import cpu_threads


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float32, as ``torch.softmax(logits.float(), dim=-1)``.

    Parameters
    ----------
    logits : np.ndarray
        ``[n, C]``.

    Returns
    -------
    np.ndarray
        float32 ``[n, C]``, rows summing to 1.
    """
    z = np.asarray(logits, dtype=np.float32)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


class TorchNetwork:
    """A loaded torch network (batch norms folded, channels-last) on a device.

    Parameters
    ----------
    network : torch.nn.Module
        The network in eval mode.
    device : str
        Where it runs.
    batch_size : int
        Segments per forward pass.
    """

    name = "torch"

    def __init__(self, network, device: str = "cpu", batch_size: int = 16):
        import torch

        from dancekit.models.fold import fold_batch_norms

        # batch norms folded into their convolutions (~8 % faster, probabilities within ~1e-6) and
        # channels-last convolutions (~25 % faster on CPU, identical results)
        self.module = fold_batch_norms(network).to(device=device, memory_format=torch.channels_last)
        self.device = torch.device(device)
        self.batch_size = batch_size

    def probabilities(self, segments) -> np.ndarray:
        """Softmax of spectrogram segments, in batches.

        Parameters
        ----------
        segments : np.ndarray or torch.Tensor
            ``[n, bins, frames]``.

        Returns
        -------
        np.ndarray
            ``[n, C]`` float32.
        """
        import torch

        if isinstance(segments, np.ndarray):
            segments = torch.from_numpy(segments)
        out = []
        with torch.inference_mode():
            for i in range(0, len(segments), self.batch_size):
                batch = segments[i : i + self.batch_size].unsqueeze(1).to(self.device)
                logits = self.module(batch.contiguous(memory_format=torch.channels_last))
                out.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
        return np.concatenate(out)


class OnnxNetwork:
    """A compiled graph (:mod:`dancekit.models.compiled`) in an ONNX Runtime CPU session.

    Graph optimisation ``ORT_ENABLE_ALL`` (fused, blocked NCHWc convolutions: ~25 % faster than
    basic); as many intra-op threads as torch would use (:func:`dancekit.runtime.cpu_threads`),
    and threads that sleep rather than spin between operators, for the reason torch's do
    (:mod:`dancekit.runtime`).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.onnx`` graph.
    batch_size : int
        Segments per run.
    threads : int, optional
        Intra-op threads; default :func:`~dancekit.runtime.cpu_threads`.
    """

    name = "onnx"

    def __init__(self, path: str | os.PathLike, batch_size: int = 16, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or cpu_threads()
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: its notes would land on the command's stderr
        self.session = ort.InferenceSession(os.fspath(path), options, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        self.path = path
        self.batch_size = batch_size

    def probabilities(self, segments) -> np.ndarray:
        """Softmax of spectrogram segments, in batches.

        Parameters
        ----------
        segments : np.ndarray
            ``[n, bins, frames]``.

        Returns
        -------
        np.ndarray
            ``[n, C]`` float32.
        """
        segments = np.asarray(segments, dtype=np.float32)
        out = []
        for i in range(0, len(segments), self.batch_size):
            batch = np.ascontiguousarray(segments[i : i + self.batch_size, None])
            out.append(softmax(self.session.run(None, {self.input: batch})[0]))
        return np.concatenate(out)
