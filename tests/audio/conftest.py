"""Audio fixtures made at test time: soundfile writes PCM, the ffmpeg CLI encodes everything else."""

import numpy as np
import pytest
import soundfile as sf


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory, ffmpeg):
    """One set of encoded files shared by the tests of this folder (encoding is the slow part)."""
    d = tmp_path_factory.mktemp("media")
    sine = "sine=frequency=440:duration={d}:sample_rate={r}"
    ffmpeg(d / "tone.mp3", "-f", "lavfi", "-i", sine.format(d=10, r=44100), "-ac", "2", "-b:a", "128k")
    ffmpeg(d / "tone.m4a", "-f", "lavfi", "-i", sine.format(d=3, r=44100), "-c:a", "aac")
    ffmpeg(d / "tone.webm", "-f", "lavfi", "-i", sine.format(d=3, r=48000), "-c:a", "libopus")
    ffmpeg(d / "tone.opus", "-f", "lavfi", "-i", sine.format(d=3, r=48000), "-c:a", "libopus")
    video = ["-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=25"]
    ffmpeg(d / "video.mp4", *video, "-f", "lavfi", "-i", sine.format(d=3, r=44100),
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
    ffmpeg(d / "silent_video.mp4", *video, "-c:v", "libx264", "-pix_fmt", "yuv420p")
    # 40 s of stereo tones gliding in pitch, long enough for the ffmpeg backend to seek (past 30 s only).
    # Tonal on purpose: AAC codes noise parametrically (PNS) and its decoder re-synthesises it with a random
    # generator, so noise decoded after a seek legitimately differs from noise decoded from the top.
    glide = "0.3*sin(2*PI*(220+55*sin(2*PI*0.13*t))*t)+0.15*sin(2*PI*987*t)"
    noise = ["-f", "lavfi", "-i", f"aevalsrc={glide}|{glide.replace('987', '1234')}:d=40:s=44100"]
    ffmpeg(d / "long.m4a", *noise, "-c:a", "aac", "-b:a", "96k")
    ffmpeg(d / "long.webm", *noise, "-c:a", "libopus", "-b:a", "64k")
    ffmpeg(d / "long.mp3", *noise, "-b:a", "96k")
    rng = np.random.default_rng(0)
    sf.write(d / "long.wav", (0.3 * rng.standard_normal((40 * 44100, 2))).clip(-1, 1), 44100, subtype="PCM_16")
    # PCM inside Matroska: decoded by ffmpeg into *packed* (interleaved) frames.
    ffmpeg(d / "pcm.mkv", "-f", "lavfi", "-i", sine.format(d=2, r=44100), "-ac", "2", "-c:a", "pcm_s16le")
    return d
