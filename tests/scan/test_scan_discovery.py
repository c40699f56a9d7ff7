import os

from dancekit.scan.discovery import MEDIA_EXTENSIONS, discover, is_media_name


def test_folders_are_read_recursively_and_non_audio_is_counted_by_ending(library):
    found = discover([library])
    names = [p.name for p in found.files]
    assert names == ["song001.wav", "song003.wav", "song005.wav", "song000.wav", "song002.wav", "song004.wav"]
    assert found.skipped == {".jpg": 1, ".txt": 1}
    assert found.skipped_note() == "skipped 2 files that are not audio (.jpg 1, .txt 1)"
    assert found.missing == []


def test_a_file_reached_twice_is_listed_once_and_missing_paths_are_reported(library):
    song = library / "jive" / "song001.wav"
    os.symlink(song, library / "link.wav")
    found = discover([library, song, library / "nope"])
    names = [p.name for p in found.files]
    assert len(names) == 6 and names.count("song001.wav") + names.count("link.wav") == 1
    assert found.missing == [str(library / "nope")]


def test_a_file_named_on_the_command_line_is_taken_whatever_its_ending(tmp_path):
    odd = tmp_path / "recording.bin"
    odd.write_bytes(b"x")
    assert discover([odd]).files == [odd]
    assert discover([tmp_path]).files == []


def test_media_names():
    assert is_media_name("Song.MP3") and is_media_name("clip.mkv") and is_media_name("a/b/c.opus")
    assert not is_media_name("._Song.mp3") and not is_media_name("cover.jpg") and not is_media_name("list.m3u8")
    assert {".wav", ".flac", ".mp3", ".m4a", ".ogg", ".mp4"} <= MEDIA_EXTENSIONS
