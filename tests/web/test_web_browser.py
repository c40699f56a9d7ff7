"""The page in Debian's headless Chromium, driven by playwright: upload, drag-and-drop, live mic.

The live test plays a generated recording through Chromium's fake microphone. Every page
state is saved as a screenshot under the test's temporary folder and checked to be a
real picture: several colours, and the class colours of the result where one is shown.
"""

from __future__ import annotations

import base64
import io
import time

import numpy as np
import pytest
from conftest import chromium_or_skip, wav_bytes

WALTZ_BLUE = (0x1F, 0x77, 0xB4)  # tab10's first colour: "Toy Waltz" in the bars and timeline
TIMEOUT_MS = 45_000


def check_screenshot(page, path, colour=None) -> None:
    """Save a full-page screenshot and check that it is not blank (and shows ``colour``)."""
    from PIL import Image

    page.screenshot(path=str(path), full_page=True)
    pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    assert pixels.shape[0] > 100_000
    assert pixels.std(axis=0).max() > 20, f"{path.name} is blank"
    assert len(np.unique(pixels[::7], axis=0)) > 20, f"{path.name} has too few colours"
    if colour is not None:
        near = np.abs(pixels.astype(int) - np.array(colour)).max(axis=1) <= 8
        assert near.sum() > 2000, f"{path.name} does not show the result's colour"


def wait_until(page, expression: str, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Poll a JS expression (``wait_for_function`` would eval inside the page, which its CSP forbids)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def canvas_painted(page) -> float:
    """Share of the timeline canvas painted in a class colour (not background, not white)."""
    return page.evaluate("""() => {
        const c = document.getElementById('timeline');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let coloured = 0;
        for (let i = 0; i < d.length; i += 4) {
            const spread = Math.max(d[i], d[i+1], d[i+2]) - Math.min(d[i], d[i+1], d[i+2]);
            if (spread > 60) coloured++;
        }
        return coloured / (d.length / 4);
    }""")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("microphone")
    mic = folder / "waltz_48k.wav"
    mic.write_bytes(wav_bytes(0, 30.0, seed=21, sr=48000))  # Chromium's fake microphone plays (and loops) it
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=[
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={mic}", "--autoplay-policy=no-user-gesture-required"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(live_server.url)
    page.wait_for_selector("body[data-state=idle]")
    # record every state the page passes through (the upload is too quick to catch by polling)
    page.evaluate("""() => {
        window.states = [];
        new MutationObserver(() => window.states.push(document.body.dataset.state))
            .observe(document.body, {attributes: true, attributeFilter: ['data-state']});
    }""")
    yield page
    context.close()
    assert errors == [], errors


def test_upload_shows_the_answer(page, tmp_path):
    check_screenshot(page, tmp_path / "1_idle.png")
    assert page.inner_text("#model-name").startswith("toy")
    song = tmp_path / "waltz.wav"
    song.write_bytes(wav_bytes(0, 12.0, seed=5))
    page.set_input_files("#file", str(song))
    page.wait_for_selector("body[data-state=done]")
    states = page.evaluate("window.states")
    assert states[:2] == ["uploading", "analysing"] and states[-1] == "done"
    assert page.inner_text("#answer") == "Toy Waltz"
    assert page.inner_text("#source").startswith("waltz.wav")
    bars = page.locator("#probabilities li")
    assert bars.count() == 2 and bars.first.get_attribute("data-label") == "Toy Waltz"
    assert page.inner_text("#bpm").isdigit() and page.inner_text("#meter") in ("3/4", "4/4")
    assert canvas_painted(page) > 0.3
    check_screenshot(page, tmp_path / "2_result.png", colour=WALTZ_BLUE)


def test_drag_and_drop_not_sure_and_errors(page, tmp_path):
    from toy_audio import toy_recording
    import soundfile as sf

    y = np.concatenate([toy_recording(0, 5.0, 1), toy_recording(1, 7.0, 2)])  # half and half
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV")

    def drop(name, data, mime):
        page.evaluate("""([name, b64, mime]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: mime}));
            const zone = document.getElementById('dropzone');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""", [name, base64.b64encode(data).decode(), mime])

    drop("medley.wav", buf.getvalue(), "audio/wav")
    page.wait_for_selector("body[data-state=done]")
    assert page.get_attribute("#result", "class").split().count("unsure") == 1
    assert page.inner_text("#answer").startswith("Not sure: Toy ")
    assert "not confident" in page.inner_text("#answer-detail")
    check_screenshot(page, tmp_path / "3_not_sure.png")

    drop("notes.txt", b"these are not sounds\n" * 40, "text/plain")
    page.wait_for_selector("body[data-state=error]")
    assert page.inner_text("#error") == "not an audio file: notes.txt"
    check_screenshot(page, tmp_path / "4_error.png")


def test_phone_screen(browser, live_server, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url)
    page.wait_for_selector("body[data-state=idle]")
    song = tmp_path / "waltz.wav"
    song.write_bytes(wav_bytes(0, 12.0, seed=6))
    page.set_input_files("#file", str(song))
    page.wait_for_selector("body[data-state=done]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing runs off screen
    assert page.evaluate("parseFloat(getComputedStyle(document.getElementById('answer')).fontSize)") >= 22
    assert page.locator("#listen").bounding_box()["height"] >= 48  # a thumb-sized button
    check_screenshot(page, tmp_path / "5_phone.png", colour=WALTZ_BLUE)
    context.close()


def test_live_microphone(page, tmp_path):
    page.click("#listen")
    page.wait_for_selector("body[data-state=listening]")
    page.wait_for_selector("#live .progress-text:has-text('before the first answer')")
    check_screenshot(page, tmp_path / "6_listening.png")
    page.wait_for_selector("#result.live-result")  # the first running answer, after 5.2 s of sound
    assert page.inner_text("#source").startswith("microphone")
    check_screenshot(page, tmp_path / "7_live.png")
    first = page.evaluate("document.getElementById('timeline').toDataURL()")
    wait_until(page, "document.getElementById('result').dataset.label === 'Toy Waltz'")
    wait_until(page, f"document.getElementById('timeline').toDataURL() !== {first!r}")  # it grows
    page.click("#listen")  # stop: the server sends the final answer for everything heard
    page.wait_for_selector("body[data-state=done]")
    assert page.inner_text("#answer") == "Toy Waltz"
    assert "live-result" not in page.get_attribute("#result", "class")
    assert page.inner_text("#listen") == "Listen"
    assert canvas_painted(page) > 0.1
    check_screenshot(page, tmp_path / "8_live_final.png", colour=WALTZ_BLUE)


@pytest.mark.parametrize("bpm, meter, label, expected, css", [
    (87.0, 3, "Slow Waltz", "Slow Waltz: competition range 28-30 bars/min; 29 is in range", "in"),
    (123.0, 3, "Paso Doble", "Paso Doble is danced in 2/4 (60-62 bars/min), but the music sounds like 3/4", "out"),
    (140.0, 4, "Rumba", "Rumba: competition range 25-27 bars/min (4/4); this is 35 bars/min, outside it", "out"),
])
def test_tempo_against_the_competition_range(page, bpm, meter, label, expected, css):
    from dancekit.dances import DANCE_NAMES
    from dancekit.rhythm import RhythmResult

    probabilities = {name: (0.91 if name == label else 0.01) for name in DANCE_NAMES}
    result = {"file": "x.mp3", "status": "ok", "label": label, "confidence": 0.91, "sure": True,
              "top": [{"label": label, "probability": 0.91}], "probabilities": probabilities,
              "network_probabilities": probabilities, "duration_s": 60.0, "warnings": [],
              "tempo": RhythmResult(bpm, np.arange(4.0), meter, 0.9).to_dict(),  # the library's verdict
              "segments": {"length_s": 5.2, "start_s": [0.0], "probabilities": [list(probabilities.values())]},
              "model": {"name": "x", "version": "1"}}
    page.evaluate("""async (result) => {
        const { renderResult } = await import('/static/render.js');
        const config = await (await fetch('/api/config')).json();
        renderResult(result, config);
    }""", result)
    assert page.inner_text("#range") == expected
    assert page.get_attribute("#range", "class") == f"range {css}"
    assert page.inner_text("#bpm") == f"{bpm:.0f}" and page.inner_text("#meter") == f"{meter}/4"


def test_page_passes_its_access_token_on(browser, make_app, tmp_path):
    """A server started with --token: the page opened as /?token=... uploads and listens; without it, it says why."""
    from conftest import RunningServer

    token = "phone-token-1234"
    with RunningServer(make_app(token=token)) as server:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(server.url)  # no token: the page loads, the API refuses it, and the page says so
        page.wait_for_selector("body[data-state=error]")
        assert page.inner_text("#error").startswith("The server refused the page: access token required")

        page.goto(f"{server.url}/?token={token}")
        page.wait_for_selector("body[data-state=idle]")
        song = tmp_path / "waltz.wav"
        song.write_bytes(wav_bytes(0, 8.0, seed=5))
        page.set_input_files("#file", str(song))  # the upload carries the token as a header
        page.wait_for_selector("body[data-state=done]")
        assert page.inner_text("#answer") == "Toy Waltz"
        page.click("#listen")  # the live socket carries it in its address
        page.wait_for_selector("#live .progress-text:has-text('before the first answer')")
        # stop only once audio has arrived: a stop before the first sample is "no audio samples"
        wait_until(page, "parseFloat(document.querySelector('#live .progress-text').textContent"
                         ".split(' ')[1]) >= 1.5")
        page.click("#listen")
        page.wait_for_selector("body[data-state=done]")
        assert page.inner_text("#error") == "" and page.is_hidden("#error")
        context.close()
        assert errors == [], errors
