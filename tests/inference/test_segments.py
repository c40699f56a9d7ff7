import pytest
import torch

from dancekit.inference.segments import SegmentCutter, pad_to_segment, segment_starts


def test_segment_starts_follow_the_stride_and_leave_out_partial_tails():
    assert segment_starts(224, 224, 200) == [0]
    assert segment_starts(223, 224, 200) == []
    assert segment_starts(624, 224, 200) == [0, 200, 400]
    assert segment_starts(623, 224, 200) == [0, 200]


def test_segment_starts_rejects_nonpositive_stride():
    with pytest.raises(ValueError):
        segment_starts(1000, 224, 0)


@pytest.mark.parametrize("block", [1, 7, 100, 224, 500, 5000])
def test_streaming_cutter_matches_offline_segments(block):
    torch.manual_seed(0)
    spec = torch.randn(8, 1234)
    cutter = SegmentCutter(length=224, stride=150)
    got, starts = [], []
    for i in range(0, spec.shape[1], block):
        segs, s = cutter.push(spec[:, i : i + block])
        if segs is not None:
            got.append(segs)
        starts += s
    assert starts == segment_starts(1234, 224, 150)
    expected = torch.stack([spec[:, s : s + 224] for s in starts])
    assert torch.equal(torch.cat(got), expected)
    assert cutter.finish() == (None, [])


def test_stride_longer_than_segment_skips_frames_between_segments():
    spec = torch.arange(1000.0).repeat(2, 1)
    cutter = SegmentCutter(length=100, stride=300)
    segs, starts = cutter.push(spec)
    assert starts == [0, 300, 600, 900]
    assert segs[1, 0, 0].item() == 300


def test_short_recording_gives_one_looped_segment():
    spec = torch.arange(50.0).repeat(3, 1)
    cutter = SegmentCutter(length=224, stride=200)
    assert cutter.push(spec) == (None, [])
    segs, starts = cutter.finish()
    assert starts == [0] and segs.shape == (1, 3, 224)
    assert segs[0, 0, 50].item() == 0.0 and segs[0, 0, 223].item() == 223 % 50
    assert torch.equal(pad_to_segment(spec, 224), segs[0])
