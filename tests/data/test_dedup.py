"""The train/test overlap check on generated songs: a planted copy is found, different songs are not."""

import argparse
import json

import numpy as np
import pytest
import soundfile as sf

from dancekit.data.cli import add_parser
from dancekit.data.dedup import DEFAULT_THRESHOLD, find_overlaps
from dancekit.data.errors import DatasetLayoutError

SR = 22050


def song(seed: int, seconds: float = 10.0) -> np.ndarray:
    """A little generated song: its own tempo, melody, bass line and drum pattern."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    y = 0.003 * rng.standard_normal(n)
    beat = 60.0 / rng.uniform(80, 160)
    scale = 220.0 * 2 ** (np.array([0, 2, 3, 5, 7, 8, 10, 12]) / 12) * rng.choice([0.75, 1.0, 1.33])
    kicks = rng.random(8) < 0.5
    kicks[0] = True
    for i, start in enumerate(np.arange(0.0, seconds - 1.0, beat / 2)):
        s = int(start * SR)
        length = int(rng.choice([1, 2]) * beat / 2 * SR)
        t = np.arange(length) / SR
        f = rng.choice(scale)
        note = (np.sin(2 * np.pi * f * t) + 0.4 * np.sin(4 * np.pi * f * t)) * np.exp(-3 * t) * rng.uniform(0.1, 0.3)
        y[s:s + length] += note[: n - s]
        if i % 4 == 0:
            bass = 0.3 * np.sin(2 * np.pi * scale[rng.integers(0, 4)] / 4 * t) * np.exp(-2 * t)
            y[s:s + length] += bass[: n - s]
        if kicks[i % 8]:
            k = np.arange(int(0.12 * SR)) / SR
            y[s:s + k.size] += (0.6 * np.sin(2 * np.pi * 60 * k) * np.exp(-30 * k))[: n - s]
        hat = 0.05 * rng.standard_normal(int(0.03 * SR)) * np.exp(-np.arange(int(0.03 * SR)) / 200)
        y[s:s + hat.size] += hat[: n - s]
    return (0.5 * y / np.abs(y).max()).astype(np.float32)


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    root = tmp_path_factory.mktemp("dedup")
    (root / "train").mkdir()
    (root / "test").mkdir()
    for seed in range(4):
        sf.write(root / "train" / f"song{seed}.wav", song(seed), SR)
    offset = 1.37  # the copy starts 1.37 s into the original, 9 dB quieter, with a little noise, as FLAC
    copy = song(1)[int(offset * SR):] * 10 ** (-9 / 20)
    copy += 0.002 * np.random.default_rng(9).standard_normal(copy.size).astype(np.float32)
    sf.write(root / "test" / "copy_of_song1.flac", copy, SR)
    for seed in (10, 11):
        sf.write(root / "test" / f"song{seed}.wav", song(seed), SR)
    return root, offset


def test_planted_copy_is_found_with_its_offset_and_nothing_else(sets):
    root, offset = sets
    train = sorted((root / "train").iterdir())
    test = sorted((root / "test").iterdir())
    result = find_overlaps(train, test, threshold=0.5)
    assert [(o.test.split("/")[-1], o.train.split("/")[-1]) for o in result.overlaps] == [
        ("copy_of_song1.flac", "song1.wav")]
    hit = result.overlaps[0]
    assert hit.score > 0.9 and hit.matched == hit.segments >= 2
    assert abs((hit.train_time - hit.test_time) - offset) < 0.05
    # different songs stay far below the default threshold: the best of all other pairs
    everything = find_overlaps(train, test, threshold=-1.0)
    others = [o.score for o in everything.overlaps if "copy" not in o.test]
    assert len(others) == 8 and max(others) < DEFAULT_THRESHOLD - 0.15


def test_one_set_against_itself_finds_the_duplicate_not_self_matches(sets):
    root, _ = sets
    files = sorted((root / "train").iterdir()) + sorted((root / "test").iterdir())
    pairs = {(o.test.split("/")[-1], o.train.split("/")[-1]) for o in find_overlaps(files, files).overlaps}
    assert pairs == {("copy_of_song1.flac", "song1.wav"), ("song1.wav", "copy_of_song1.flac")}


def run_cli(argv):
    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_json_and_text_output(sets, capsys):
    root, _ = sets
    (root / "test_list.txt").write_text("test/copy_of_song1.flac\ntest/song10.wav\n")
    assert run_cli(["dedup", str(root / "train"), str(root / "test_list.txt"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["test_files"] == 2 and report["train_files"] == 4
    assert [o["train"].split("/")[-1] for o in report["overlaps"]] == ["song1.wav"]
    assert run_cli(["dedup", str(root / "train"), str(root / "test"), "--threshold", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "copy_of_song1.flac" in out and "1 of 3 test files overlap 1 of 4 training files" in out


def test_cli_bad_input(sets, tmp_path, capsys):
    root, _ = sets
    (tmp_path / "broken.wav").write_text("not audio")
    assert run_cli(["dedup", str(root / "train"), str(tmp_path / "broken.wav"), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["unreadable"][0]["file"].endswith("broken.wav")
    with pytest.raises(DatasetLayoutError, match="not found"):
        run_cli(["dedup", str(tmp_path / "absent"), str(root / "test")])
    with pytest.raises(SystemExit) as exit_info:
        run_cli(["dedup", "a", "b", "--threshold", "1.5"])
    assert exit_info.value.code == 2
