"""A tiny frame model trained once per session on easy frames (bar at the top vs at the bottom)."""

import pytest
from video_fixtures import EASY_RECIPE, easy_frameset


@pytest.fixture(scope="session")
def easy_training():
    """``(data, val_mask, network, result)`` of ResNet18 trained 3 epochs on the video split."""
    from dancekit.video.training import train_frame_classifier
    from dancekit.video.datasets import split_mask

    data = easy_frameset(n_videos=10, frames_per_video=4, size=24)
    mask = split_mask(data, "video", 0.2, 0)
    network, result = train_frame_classifier("resnet18", data, mask, EASY_RECIPE, "cpu")
    return data, mask, network, result


@pytest.fixture(scope="session")
def easy_model(easy_training, tmp_path_factory):
    """The easy network as a model folder, as the recipe writes it."""
    from dancekit.models.files import ModelCard, save_model

    data, _, network, result = easy_training
    card = ModelCard(name="easy", task="video", architecture="resnet18", classes=list(data.classes),
                     frontend={"kind": "rgb_frames", "image_size": 24}, segment_frames=1, default_stride=1,
                     metrics={"video": {"video_accuracy": result.video_accuracy}})
    return save_model(network, card, tmp_path_factory.mktemp("models") / "easy")
