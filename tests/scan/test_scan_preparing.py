"""A decode worker's share: decoding and everything short of the network, in a process without torch."""

import pickle
import subprocess
import sys

from toy_audio import write_library

from dancekit.inference import Identifier
from dancekit.scan.preparing import prepare_file


def test_a_worker_prepares_a_file_without_importing_torch_or_onnxruntime(toy_model, tmp_path):
    path = write_library(tmp_path / "library", 1)[0]
    plan = Identifier(toy_model).segment_plan()
    (tmp_path / "plan.pickle").write_bytes(pickle.dumps(plan))
    code = (
        "import pickle, sys\n"
        "from dancekit.scan.preparing import prepare_file\n"
        f"plan = pickle.loads(open({str(tmp_path / 'plan.pickle')!r}, 'rb').read())\n"
        f"out = prepare_file({str(path)!r}, plan, None)\n"
        "assert out.status is None and out.samples is None and out.prepared.outcome.rhythm is not None, out\n"
        "print(sorted(m for m in ('torch', 'onnxruntime', 'librosa', 'numba') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_a_file_that_is_not_audio_comes_back_as_a_note_not_an_exception(toy_model, tmp_path):
    fake = tmp_path / "fake.mp3"
    fake.write_text("not a song")
    out = prepare_file(fake, Identifier(toy_model).segment_plan(), None)
    assert out.status == "not_audio" and out.prepared is None and out.file_hash
