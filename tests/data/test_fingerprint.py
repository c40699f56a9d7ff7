"""A data folder is named by its contents: the same files hash alike anywhere, any change shows."""

import hashlib
import shutil

import pytest

from dancekit.data.fingerprint import describe_data, file_sha256


def _folder(root):
    (root / "DANCE_W_1").mkdir(parents=True)
    (root / "DANCE_W_1" / "audio.mp3").write_bytes(b"\x00waltz" * 1000)
    (root / "DANCE_R_2").mkdir()
    (root / "DANCE_R_2" / "audio.mp3").write_bytes(b"\x01rumba" * 700)
    (root / "README.md").write_text("songs\n")
    return root


def test_file_hash_is_the_sha256_of_its_bytes(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 9000)  # more than one read block
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_files_anywhere_give_the_same_description(tmp_path):
    here = describe_data(_folder(tmp_path / "a" / "tang"))
    there = tmp_path / "elsewhere" / "tang"
    shutil.copytree(tmp_path / "a" / "tang", there)
    (there / ".DS_Store").write_bytes(b"finder")  # hidden files are not data
    assert describe_data(there) == here
    assert here["name"] == "tang" and here["files"] == 3 and len(here["sha256"]) == 64
    assert str(tmp_path) not in repr(here)


@pytest.mark.parametrize("change", ["edit", "rename", "add", "remove"])
def test_any_change_to_the_files_changes_the_hash(tmp_path, change):
    folder = _folder(tmp_path / "tang")
    before = describe_data(folder)
    song = folder / "DANCE_W_1" / "audio.mp3"
    if change == "edit":
        song.write_bytes(song.read_bytes()[:-1] + b"!")
    elif change == "rename":
        song.rename(folder / "DANCE_W_1" / "audio2.mp3")
    elif change == "add":
        (folder / "DANCE_W_1" / "config.json").write_text("{}")
    else:
        song.unlink()
    after = describe_data(folder)
    assert after["sha256"] != before["sha256"] and after["name"] == "tang"
    assert after["files"] == before["files"] + {"edit": 0, "rename": 0, "add": 1, "remove": -1}[change]


def test_a_single_file_and_a_missing_path(tmp_path):
    path = tmp_path / "clips.txt"
    path.write_text("a.wav\n")
    assert describe_data(path) == {"name": "clips.txt", "sha256": file_sha256(path), "files": 1}
    with pytest.raises(FileNotFoundError, match="no data at"):
        describe_data(tmp_path / "nowhere")
