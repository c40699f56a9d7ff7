"""Train a step generator from a step dataset into a model folder, and ship a trained run.

Why here and not in :mod:`dancekit.training.steps`: that module is the training loop; this one is
what turns its result into a model folder a user loads (the card's front end, the training record,
float16 weights, the held-out scores). Needs only torch and numpy, like the dataset file it reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file

from dancekit.errors import DancekitError
from dancekit.evaluation.step_report import held_out_summary
from dancekit.exit_codes import EXIT_USAGE
from dancekit.features import step_audio, step_phase
from dancekit.models.dance_rnn import build_dance_rnn, load_dance_rnn, make_card
from dancekit.models.dance_rnn_network import widen_state_dict
from dancekit.models.files import save_model
from dancekit.training.step_data import read_step_dataset, split_step_data
from dancekit.training.steps import StepTrainConfig, StepTrainResult, train_steps

#: Network sizes: the paper's, and a tiny one for smoke runs and tests.
STEP_MODEL_SIZES = {
    "paper": {},
    "tiny": dict(conv_channels=(4, 4, 4, 8), hidden=16, encoder_layers=1, decoder_layers=1, code_dim=8, dance_dim=4),
}

TRAINING_DATA = ("Tang et al. 2018 'Dance with Melody' motion capture with its music (ballroom: "
                 "Cha Cha Cha, Rumba, Tango, Slow Waltz), 30 fps")


class StepModelError(DancekitError):
    """A run that cannot be shipped (e.g. the results hold no rows of its variant)."""

    exit_code = EXIT_USAGE


def step_model_frontend(motion_dim: int, meta: dict, phase: bool = False) -> dict:
    """The card's front end: the audio settings generation must repeat, and the motion normaliser.

    Parameters
    ----------
    motion_dim : int
        Length of one motion feature frame, in floats (recorded for the generator).
    meta : dict
        The step dataset's settings (``normaliser``, ``mean_pose``).
    phase : bool
        The model takes the beat and bar phase: the card says how it is computed.

    Returns
    -------
    dict
        The ``frontend`` entry of a step model's card.
    """
    extra = {"phase": {"kind": "beat_bar_phase", "names": list(step_phase.PHASE_NAMES),
                       "reference_period_s": step_phase.REFERENCE_PERIOD, "tempo_clip": step_phase.TEMPO_CLIP,
                       "beats": "dancekit.rhythm.analyze of the whole song; downbeat at the strongest mean onset",
                       "time_of_frame": "start of its audio patch"}} if phase else {}
    return {**extra, "kind": "step_audio", "sample_rate": step_audio.SAMPLE_RATE, "fps": step_audio.FPS,
            "slice": step_audio.SLICE_SAMPLES, "win": step_audio.WIN, "hop": step_audio.HOP,
            "n_fft": step_audio.N_FFT, "top_db": step_audio.TOP_DB, "floor_db": step_audio.FLOOR_DB,
            "peak_normalise": True,
            "motion": {"fps": step_audio.FPS, "dim": int(motion_dim), "normaliser": meta["normaliser"],
                       "mean_pose": meta["mean_pose"]}}


def train_step_model(data_path: str | Path, out: str | Path, cfg: StepTrainConfig, *, fold_val: bool = False,
                     condition: bool = True, size: str = "paper", device: str = "cpu", half: bool = False,
                     init: str | Path | None = None, progress: bool = True) -> StepTrainResult:
    """Train S2S or S2S-MC on a step dataset and save it as a model folder (resumable).

    Parameters
    ----------
    data_path : str or Path
        A file written by :func:`dancekit.training.step_data.write_step_dataset`.
    out : str or Path
        The model folder; ``out/checkpoint.pt`` is resumed from when the same run is started again.
    cfg : StepTrainConfig
        The recipe (variant, budget, batch, learning rate...).
    fold_val : bool
        Also train on the validation songs.
    condition : bool
        Condition the network on the dance.
    size : str
        A key of :data:`STEP_MODEL_SIZES`.
    device : str
        Torch device to train on.
    half : bool
        Store the weights as float16.
    init : str or Path, optional
        A model folder whose weights start the run (a fresh optimiser; recorded in the card). A
        phase-aware run may start from a model without phase input: its new input columns start
        at zero, so the first update starts from that model's dance.
    progress : bool
        Show a progress bar.

    Returns
    -------
    StepTrainResult
        Steps done, best step and validation error, timings and history.
    """
    arrays, meta = read_step_dataset(data_path)
    train, val = split_step_data(arrays, fold_val, meta)
    if (cfg.phase or cfg.tempo_range) and train.rhythm is None:
        raise StepModelError(f"{data_path} has no beat grids, which the phase input and tempo augmentation need: "
                             "prepare it again (recipes/dance_steps.py prepare)")
    torch.manual_seed(cfg.seed)
    dances = list(meta["dances"]) if condition else []
    network = build_dance_rnn(train.motion.shape[1], n_dances=len(dances), dances=dances,
                              phase_dim=step_phase.PHASE_DIM if cfg.phase else 0, **STEP_MODEL_SIZES[size])
    if init:
        try:
            widen_state_dict(network, load_file(str(Path(init) / "model.safetensors")))
        except ValueError as err:
            raise StepModelError(f"--init {init}: {err}") from None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = train_steps(network, train, val, cfg, checkpoint=out / "checkpoint.pt", device=device,
                         progress=progress)
    history = [h for h in result.to_dict()["history"] if h["val_mse"] is not None or h["step"] % 50 == 0]
    training = {"data": TRAINING_DATA, "trained_on": sorted(train.names),
                "validated_on": sorted(val.names) if val else [], "split": meta["split"], "variant": cfg.variant,
                "recipe": cfg.to_dict(), "device": device, "steps_done": result.steps_done,
                "best_step": result.best_step, "seconds": round(result.seconds, 1),
                "frames_per_second": round(result.frames_per_second, 1), "history": history,
                "initialised_from": json.loads((Path(init) / "model.json").read_text())["training"] if init else None,
                "weights_stored_as": "float16" if half else "float32"}
    name = f"dance_steps_{cfg.variant.replace('-', '_')}"
    summary = (f"{'S2S-MC' if cfg.variant == 's2s-mc' else 'S2S'} dance-step generator (paper 5)"
               + (", dance-conditioned" if dances else "") + (", beat and bar phase input" if cfg.phase else ""))
    network = network.cpu()
    card = make_card(name, network, step_model_frontend(train.motion.shape[1], meta, cfg.phase), summary, training,
                     {"val_mse_5db": result.best_val_mse}, cfg.sequence)
    save_model(network, card, out, torch.float16 if half else None)
    return result


def ship_step_model(run: str | Path, results: str | Path, out: str | Path) -> str:
    """Save a trained run as a model folder named after ``out`` (float16) with its held-out scores.

    Parameters
    ----------
    run : str or Path
        The trained run's model folder.
    results : str or Path
        ``results.json`` written by the step evaluation (:mod:`dancekit.evaluation.step_evaluation`).
    out : str or Path
        The model folder to write; its name becomes the model's name.

    Returns
    -------
    str
        The run's variant as the evaluation labels it (``S2S``, ``S2S-MC``).

    Raises
    ------
    StepModelError
        Where the results hold no rows of the run's variant.
    """
    model = load_dance_rnn(run)
    rows = json.loads(Path(results).read_text())
    variant = model.card.training.get("variant", "").upper()
    if not any(r["method"] == variant for r in rows):
        raise StepModelError(f"{results} has no rows of {variant}; evaluate {run} first")
    out = Path(out)
    card = model.card
    card.name = out.name
    card.metrics = {**card.metrics, "evaluation": {
        "songs": "Tang test-side songs, never trained on; music beats by dancekit.rhythm; F-score window 70 ms",
        variant: held_out_summary(rows, variant), "Dancer": held_out_summary(rows, "Dancer")}}
    save_model(model.network, card, out, torch.float16)
    return variant
