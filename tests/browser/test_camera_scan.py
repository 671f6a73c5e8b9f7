"""The camera as a scanner: Chromium's fake camera shows an EAN-13 and the app reads it."""

import io

import pytest
from barcode import EAN13
from barcode.writer import ImageWriter
from PIL import Image

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, chromium_path
from tests.browser.floor import ITEMS, open_screen, scan, sign_in, wait_offline_ready, wait_step

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 640, 480


def barcode_frame(gtin13: str) -> Image.Image:
    """The EAN-13 drawn by python-barcode, centred on a white 640x480 frame."""
    buffer = io.BytesIO()
    EAN13(gtin13[:12], writer=ImageWriter()).write(buffer, options={"module_width": 0.5, "quiet_zone": 2.5})
    code = Image.open(buffer).convert("RGB")
    if code.width > WIDTH - 20:
        code = code.resize((WIDTH - 20, round(code.height * (WIDTH - 20) / code.width)), Image.LANCZOS)
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    return frame


def write_y4m(path, frame: Image.Image, frames: int = 3) -> None:
    """YUV4MPEG2, 4:2:0 with JPEG (full-range) YCbCr: what --use-file-for-fake-video-capture plays in a loop."""
    y, cb, cr = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(half, Image.BOX).tobytes() + cr.resize(half, Image.BOX).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)


def test_camera_scan_decodes_with_fake_camera(playwright_driver, live_server, tmp_path):
    gtin = ITEMS["DH-10001"][0]
    video = tmp_path / "ean13.y4m"
    write_y4m(video, barcode_frame(gtin))
    browser = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(**PHONE, permissions=["camera"])
        page = context.new_page()
        page.add_init_script("window.__scans = []; addEventListener('scanned', (e) => window.__scans.push(e.detail));")
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/move", "Move stock")
        scan(page, "WH1-D-01-01")
        wait_step(page, "move-screen", "item")
        page.click("#camera-button")
        page.wait_for_selector("#camera-video")
        wait_step(page, "move-screen", "to")  # the camera's scan filled the item step
        assert "Basmati Rice 250g" in page.inner_text("#step-item")
        assert gtin in page.inner_text("#result")
        assert {"code": gtin, "source": "camera"} in page.evaluate("window.__scans")
        page.click("#camera-button")  # stop: the camera is released
        page.wait_for_selector("#camera-video", state="detached")
    finally:
        browser.close()
