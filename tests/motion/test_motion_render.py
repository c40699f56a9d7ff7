import av
import numpy as np
import pytest
from motion_fixtures import swaying_clip, swaying_rotations

from dancekit.motion.render import RenderError, render_video


def _read(path):
    with av.open(str(path)) as container:
        streams = {s.type: s for s in container.streams}
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        sound = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio=0)])
    return streams, frames, sound


def test_video_shows_the_figure_with_the_song_segment(tmp_path):
    clip = swaying_clip(30, fps=25.0)  # 1.2 s starting at 1.5 s in the song
    sr = 22050
    t = np.arange(4 * sr) / sr
    song = np.where(t < clip.start_s, 0.0, 0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = render_video(clip, tmp_path / "dance.mp4", audio=(song, sr), fps=30, size=(320, 240), progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["dance.mp4"]
    streams, frames, sound = _read(out)
    assert streams["video"].codec_context.name == "h264" and streams["audio"].codec_context.name == "aac"
    assert (streams["video"].codec_context.width, streams["video"].codec_context.height) == (320, 240)
    assert len(frames) == len(clip.resampled(30.0)) == 35
    assert abs(len(sound) / streams["audio"].codec_context.sample_rate - clip.duration_s) < 0.1
    # the song segment starts at clip.start_s: the sine, not the silence before it
    assert np.sqrt(np.mean(sound[5000:20000] ** 2)) > 0.2
    first = frames[0].astype(int)
    red = (first[..., 0] > 170) & (first[..., 1] < 110) & (first[..., 2] < 110)
    blue = (first[..., 2] > 170) & (first[..., 0] < 110)
    assert red.sum() > 40 and blue.sum() > 40  # the dancer's right and left limbs
    assert not np.array_equal(frames[0], frames[-1])  # it moves


def test_rotation_clips_render_without_audio(tmp_path):
    out = render_video(swaying_rotations(8), tmp_path / "a.mp4", size=(160, 120), progress=False)
    with av.open(str(out)) as container:
        assert [s.type for s in container.streams] == ["video"]


def test_bad_requests_are_clear_errors(tmp_path):
    with pytest.raises(RenderError, match="size"):
        render_video(swaying_clip(5), tmp_path / "a.mp4", size=(10, 10))
    with pytest.raises(RenderError, match="audio"):
        render_video(swaying_clip(5), tmp_path / "a.mp4", audio=42, progress=False)
    assert list(tmp_path.iterdir()) == []
