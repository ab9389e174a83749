"""Headless Chromium for the report tests, and the report's inputs read back from a run's CSVs.

`ensure_chromium()` installs Debian's `chromium` and `chromium-driver` with apt-get when
/usr/bin/chromium or /usr/bin/chromedriver is missing (no browser download from anywhere else).
If that fails the tests fail under CI=true and are skipped elsewhere, with the reason.

`browser` (session fixture) is a Selenium Chrome driver: headless, no background networking, a
private profile, downloads into a temporary folder, the performance log on (network events).
`network_requests(driver)` lists the requests the page made that are not file:, data: or blob:.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
APT_PACKAGES = ("chromium", "chromium-driver")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-untrusted:", "chrome-search:", "devtools:")  # not the network
CHROME_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection", "--metrics-recording-only", "--no-default-browser-check",
    "--window-size=1440,1000", "--force-device-scale-factor=1",
)


def _missing() -> list[str]:
    return [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]


def _apt(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(["apt-get", *args], capture_output=True, text=True, env=env, timeout=1800)


def ensure_chromium() -> str | None:
    """Install Chromium and its driver if missing. Returns None when ready, else why not."""
    if not _missing():
        return None
    if shutil.which("apt-get") is None:
        return f"{', '.join(_missing())} missing and no apt-get to install {' '.join(APT_PACKAGES)}"
    install = ("install", "-y", *APT_PACKAGES)
    try:
        done = _apt(*install)
        if done.returncode != 0:  # a stale package list: update it, then try once more
            update = _apt("update")
            done = _apt(*install) if update.returncode == 0 else update
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"apt-get install {' '.join(APT_PACKAGES)} failed: {err}"
    if done.returncode != 0 or _missing():
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-5:]
        return f"apt-get install {' '.join(APT_PACKAGES)} failed (exit {done.returncode}): " + " / ".join(tail)
    return None


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"headless Chromium is required under CI=true: {reason}")
    pytest.skip(f"headless Chromium not available: {reason}")


@pytest.fixture(scope="session")
def chromium_ready():
    reason = ensure_chromium()
    if reason:
        _unavailable(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def download_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(chromium_ready, tmp_path_factory, download_dir):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as err:  # selenium is a test dependency (pyproject [test])
        _unavailable(f"selenium is not installed: {err}")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir), "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except Exception as err:  # noqa: BLE001 - any start-up failure means: no browser
        _unavailable(f"cannot start {CHROMEDRIVER}: {err}")
    driver.set_page_load_timeout(60)
    try:  # headless Chromium saves downloads only when told where
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    except Exception:  # noqa: BLE001 - older drivers: the prefs above apply
        pass
    yield driver
    driver.quit()


def open_page(driver, path: Path) -> None:
    """Open a file and wait until the report's script has built the page."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("performance")  # drop earlier pages' events
    driver.get(Path(path).resolve().as_uri())
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.documentElement.getAttribute('data-ready') === 'true'"))


def network_requests(driver) -> list[str]:
    """URLs the browser requested since the last call that are not local (file:, data:, blob:)."""
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if not url.startswith(LOCAL_SCHEMES):
                urls.append(url)
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)") or []
    urls += [u for u in resources if not u.startswith(LOCAL_SCHEMES)]
    return urls


# --------------------------------------------------------------------------------------------------
# The report's inputs, from a run's CSV files
# --------------------------------------------------------------------------------------------------
def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _typed(row: dict, columns) -> dict:
    out = {}
    for name, ftype, is_list, _desc, _enum in columns:
        cell = row.get(name, "")
        if is_list:
            out[name] = [v for v in cell.split("|") if v] if cell else []
        elif cell == "":
            out[name] = None
        elif ftype == "integer":
            out[name] = int(float(cell))
        elif ftype == "number":
            out[name] = float(cell)
        else:
            out[name] = cell
    return out


def report_inputs(out_dir: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """trials, evidence and papers rows as `render_report` takes them, from a run's CSVs."""
    from pipeline.schema import EVIDENCE_COLUMNS, PAPER_COLUMNS, TRIAL_COLUMNS

    out_dir = Path(out_dir)
    trials = [_typed(r, TRIAL_COLUMNS) for r in _read_csv(out_dir / "trials.csv")]
    evidence = [_typed(r, EVIDENCE_COLUMNS) for r in _read_csv(out_dir / "evidence.csv")]
    papers = [_typed(r, PAPER_COLUMNS) for r in _read_csv(out_dir / "papers.csv")]
    return trials, evidence, papers


def screenshot(driver, path: Path, max_height: int = 2400) -> Path:
    """A PNG of the page from its top, up to `max_height` CSS pixels (more than the window shows)."""
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
    Path(path).write_bytes(base64.b64decode(shot["data"]))
    return Path(path)
