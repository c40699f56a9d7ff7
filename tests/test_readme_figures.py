"""The README's key figures equal the results files the benchmarks write, so text and data cannot drift.

Each check finds a figure in the README by the sentence around it (line breaks and spacing do not
matter) and recomputes it, rounded the way the README prints it, from the JSON a script wrote.
"""

import json
import re
from pathlib import Path

import pytest

from dancekit.inference.result import SURE_FROM
from dancekit.models.files import load_model

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


@pytest.fixture(scope="module")
def readme() -> str:
    """README.md with every run of whitespace made one space (wrapped lines read as one)."""
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def results(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def figures(readme: str, pattern: str) -> tuple[str, ...]:
    """The groups of the one place in the README that matches ``pattern``."""
    found = re.findall(pattern, readme)
    assert len(found) == 1, f"expected the README to state this once: {pattern!r} (found {len(found)})"
    return found[0] if isinstance(found[0], tuple) else (found[0],)


def percent(share: float, decimals: int = 0) -> str:
    return f"{100 * share:.{decimals}f}"


def scientific(value: float) -> str:
    """Two significant digits the way the README writes them: 1.5e-5."""
    return f"{value:.1e}".replace("e-0", "e-")


def test_reject_option_figures_are_the_benchmarks(readme):
    data = results("reject_option")
    rows = {row["threshold"]: row for row in data["rules"]["confidence"]}
    answered_all, at_threshold = rows[0.0], rows[SURE_FROM]
    stated = figures(readme, r"on (\d+) real dance recordings this kept (\d+) % of the answers and raised their "
                             r"precision from (\d+) % to (\d+) %")
    assert stated == (str(data["dance_recordings"]), percent(at_threshold["coverage"]),
                      percent(answered_all["precision"]), percent(at_threshold["precision"]))


def test_tang_cross_validation_figures_are_the_benchmarks(readme):
    summary = results("tang_crossval")["summary"]
    fused, network = summary["fused"], summary["network"]
    measured = figures(readme, r"top-1 ([\d.]+) %, top-2 ([\d.]+) % with the tempo prior \(([\d.]+) % from the network")
    assert measured == (percent(fused["top1"], 1), percent(fused["top2"], 1), percent(network["top1"], 1))
    intro = figures(readme, r"names the right dance for (\d+) \(([\d.]+) %, (\d+) dances; ([\d.]+) % from the network")
    assert intro == (str(round(fused["top1"] * fused["n"])), percent(fused["top1"], 1),
                     str(len(fused["per_dance"])), percent(network["top1"], 1))


def test_identify_speed_table_is_the_benchmarks(readme):
    for row in results("identify_speed")["identify_3min"]:
        stated = figures(readme, rf"\| {row['arch']} \| ([\d.]+) s \| ([\d.]+) s \| ([\d.]+) s \| \*\*([\d.]+) s\*\* "
                                 rf"\| ([\d.]+) s \| ([\d.]+) \|")
        keys = ("decode_s", "features_s", "model_s", "total_s", "total_without_tempo_s")
        assert stated == tuple(f"{row[k]:.2f}" for k in keys) + (f"{row['rtf']:.4f}",)


def test_frontend_speed_ups_are_the_benchmarks(readme):
    rows = {r["frontend"]: r for r in results("frontend_speed")["rows"]
            if r["threads"] == 2 and r["precision"] == "float64" and "speedup_vs_librosa" in r}
    stated = figures(readme, r"Dance-CNN mel ([\d.]+)x, BBNN mel ([\d.]+)x, PRCNN STFT ([\d.]+)x")
    assert stated == tuple(f"{rows[name]['speedup_vs_librosa']:.2f}"
                           for name in ("dance_cnn_mel", "bbnn_mel", "prcnn_stft"))


def test_frontend_agreement_with_librosa_is_the_benchmarks(readme):
    data = results("frontend_agreement")
    float64 = [r for r in data["rows"] if r["precision"] == "float64"]
    worst_db = max(r["max_difference"] for r in float64 if r["unit"] == "dB")
    worst_stft = max(r["max_difference"] for r in float64 if r["unit"] == "of peak")
    stated = figures(readme, r"On (\d+) real clips the log-mel front ends match librosa to ([\d.e-]+) dB and the "
                             r"STFT to ([\d.e-]+) of its peak")
    assert stated == (str(data["clips"]), scientific(worst_db), scientific(worst_stft))


def test_rhythm_table_is_the_benchmarks(readme):
    ours = results("rhythm_accuracy")["summary"]["gtzan_mini"]["dancekit analyze() (default)"]
    stated = figures(readme, r"\| \*\*dancekit `rhythm.analyze`\*\* \| \*\*([\d.]+)\*\* \| \*\*([\d.]+)\*\* "
                             r"\| \*\*([\d.]+)\*\* \| ([\d.]+) \(always-4: ([\d.]+)\) \| ([\d.]+) \|")
    assert stated == (f"{ours['acc1']:.2f}", f"{ours['acc2']:.2f}", f"{ours['beat_f']:.3f}",
                      f"{ours['meter_acc']:.2f}", f"{ours['meter_always4']:.2f}", f"{ours['seconds_per_clip']:.2f}")


def test_robustness_table_is_the_benchmarks(readme):
    data = results("robustness_curve")
    names = {"crowd": "crowd voices", "white": "white noise", "claps": "clapping"}
    assert figures(readme, r"on the (\d+) real Tang songs it never trained on") == (str(len(data["songs"])),)
    for noise, name in names.items():
        row = [r for r in data["rows"] if r["noise"] == noise]
        cells = " \\| ".join(str(round(100 * r["top1"])) for r in sorted(row, key=lambda r: r["alpha"]))
        figures(readme, rf"\| {name} \| {cells} \|")  # the row, exactly once


def test_genre_model_figures_are_its_card(readme):
    cv = load_model("genre").card.metrics["cross_validation"]
    stated = figures(readme, r"on those 100 clips gives ([\d.]+) \+- ([\d.]+) % top-1 \(([\d.]+) % top-2\)")
    assert stated == (percent(cv["recording_top1"]["mean"], 1), percent(cv["recording_top1"]["std"], 1),
                      percent(cv["recording_top2"]["mean"], 1))


def test_synthesis_speed_is_the_benchmarks(readme):
    runs = {r["engine"]: r for r in results("synth_speed")["runs"]}
    stated = figures(readme, r"(\d+) clips/min with fluidsynth run in-process .*? (\d+) clips/min with the "
                             r"`fluidsynth` command .*? takes ([\d.]+) minutes")
    assert stated == (f"{runs['lib']['clips_per_min']:.0f}", f"{runs['cli']['clips_per_min']:.0f}",
                      f"{runs['lib']['projected_min_5000']:.1f}")


def test_ballroom_training_data_is_its_card(readme):
    training = load_model("ballroom").card.training
    stated = figures(readme, r"trained from scratch on ([\d,]+) clips of synthetic ballroom music .*? "
                             r"plus (\d+) real songs")
    assert stated == (f"{sum(training['synthetic_recordings'].values()):,}", str(training["real_recordings"]["train"]))


def test_calibration_figures(readme):
    calibration = results("calibration")
    temperature, ece, threshold = figures(
        readme, r"its fitted temperature is ([\d.]+) and its ECE ([\d.]+), and ([\d.]+) remains the threshold")
    assert float(temperature) == round(calibration["temperature"], 2)
    assert float(ece) == round(calibration["sets"]["tang_crossval"]["raw"]["ece"], 2)
    assert float(threshold) == calibration["sure_from"] == SURE_FROM


def test_scan_speed_figures_are_the_benchmarks(readme):
    runs = {run["way"]: run for run in results("scan_speed")["runs"]}
    stated = figures(readme, r"the scan answers ([\d.]+) files/s with one decode process \(([\d.]+) without it\) "
                             r"where a loop of `identify` answers ([\d.]+)")
    assert stated == tuple(f"{runs[way]['files_per_s']:.2f}" for way in
                           ("scan, 1 decode processes", "scan, 0 decode processes", "identify loop"))


def test_command_speed_figures_are_the_benchmarks(readme):
    data = results("command_speed")
    for row in data["commands"]:
        name = re.escape(row["command"].split(" (")[0])
        stated = figures(readme, rf"\| `?{name}`? \| ([\d.]+) s \| ([\d.]+) s \|")
        assert stated == (f"{row['median_s']:.2f}", f"{row['min_s']:.2f}"), row["command"]
    inside = data["in_process"]
    stated = figures(readme, r"`dancekit identify` answered ([\d.]+)x sooner than the reference process; inside a "
                             r"process, with the model loaded, identifying the song took ([\d.]+) s \(([\d.]+) s without "
                             r"tempo")
    assert stated == (f"{data['identify_speedup_vs_reference']:.1f}", f"{inside['identify_median_s']:.2f}",
                      f"{inside['identify_without_tempo_median_s']:.2f}")


def test_step_field_metrics_are_the_benchmarks(readme):
    s = results("step_field_metrics")["summary"]
    dancers, model = s["Dancers, held-out songs (the reference)"], s["dance_steps"]
    others = next(v for k, v in s.items() if k.startswith("Dancers, other songs"))
    stated = figures(readme, r"version 3 score Beat Align ([\d.]+) and ([\d.]+),\s+both at their chance level "
                             r"\(([\d.]+), ([\d.]+)\); FID_k (\d+) and FID_g (\d+) for version 3 .*?, where dancers "
                             r"of the other \d+ songs score (\d+) and ([\d.]+); .*? lower is\s+better\) ([\d.]+) for "
                             r"the dancers and ([\d.]+) for version 3")
    assert stated == (f"{dancers['bas']:.3f}", f"{model['bas']:.3f}", f"{dancers['bas_chance']:.3f}",
                      f"{model['bas_chance']:.3f}", f"{model['fid_k']:.0f}", f"{model['fid_g']:.0f}",
                      f"{others['fid_k']:.0f}", f"{others['fid_g']:.1f}", f"{dancers['pfc']:.2f}", f"{model['pfc']:.1f}")


def test_generate_speed_figures_are_the_benchmarks(readme):
    data = results("generate_speed")
    median = {row["command"]: f"{row['median_s']:.2f}" for row in data["commands"]}
    stated = figures(readme, r"took ([\d.]+) s \(median of 5\) with the decoder on float16 weights, the default on a "
                             r"CPU, against ([\d.]+) s for the command before the speed work; `--precision int8` ([\d.]+) s, "
                             r"`--precision fp32` ([\d.]+) s")
    base = "dancekit generate SONG --dance waltz"
    reference = next(v for k, v in median.items() if k.startswith("reference"))
    assert stated == (median[base], reference, median[f"{base} --precision int8"], median[f"{base} --precision fp32"])
    fp16 = data["streaming"]["rows"][0]
    assert figures(readme, r"takes ([\d.]+) ms a frame \(p95 ([\d.]+)\)") == (f"{fp16['mean_ms']:.1f}", f"{fp16['p95_ms']:.1f}")
