"""Shared helpers of the browser tests: a photograph of every page, and axe-core on it."""

from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
_AXE = Axe()


def photograph(page: Page, name: str, *, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in _AXE.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def page_checker(prefix: str) -> Callable[..., None]:
    """``check_page(page, name)``: photograph the page as ``<prefix>-<name>.png`` and fail on
    any serious or critical accessibility violation."""

    def check_page(page: Page, name: str, *, full_page: bool = True) -> None:
        photograph(page, f"{prefix}-{name}", full_page=full_page)
        serious = serious_violations(page)
        assert not serious, f"{name}: " + "\n".join(serious)

    return check_page
