"""The settings modules, each loaded in a fresh interpreter with the environment under test.

Settings are read once per process, so every case runs `python` in a subprocess.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_SECRET_KEY = secrets.token_urlsafe(48)  # 64 characters
SETUP = "import django; django.setup()"
# Variables of the calling shell (or CI) that would change what is under test.
SCRUBBED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_PREPARE_THRESHOLD",
)  # tests/conftest.py sets it for Playwright


# The checkout's .env (read by the settings with overwrite=False) must not change what is under
# test either: the child interpreter reads none, whatever the checkout holds.
NO_DOT_ENV = "import environ; environ.Env.read_env = classmethod(lambda cls, *a, **k: None)"


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -c CODE`` or ``python SCRIPT ARGS...`` in a fresh interpreter, with only the
    given environment under test and no .env."""
    environ = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    environ.update(env)
    if args[0] == "-c":
        code = f"{NO_DOT_ENV}; {args[1]}"
    else:
        code = (
            f"{NO_DOT_ENV}; import runpy, sys; sys.argv = {list(args)!r}; "
            f"runpy.run_path({args[0]!r}, run_name='__main__')"
        )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "readiness.settings.production",
        "ALLOWED_HOSTS": "example.com",
        "SECRET_KEY": GOOD_SECRET_KEY,
        **env,
    }
    return run_python(*args, **env)


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param("", id="missing"),
        pytest.param("too-short-" * 4, id="short"),
        pytest.param("insecure-local-development-key-change-me" + "x" * 30, id="insecure-default"),
        pytest.param("django-insecure-" + "y" * 50, id="django-insecure"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key: str) -> None:
    result = production("-c", SETUP, SECRET_KEY=secret_key)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = production("-c", SETUP, ALLOWED_HOSTS="")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_a_random_secret_key() -> None:
    result = production("-c", SETUP + "; from django.conf import settings; print(settings.DEBUG)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_passes_the_deploy_check_without_a_single_warning() -> None:
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_production_installs_no_demo_app_and_knows_no_seed_demo() -> None:
    apps = production(
        "-c", SETUP + "; from django.apps import apps; print(apps.is_installed('demo'))"
    )
    seed = production("manage.py", "seed_demo", "--people", "5")

    assert apps.returncode == 0, apps.stderr
    assert apps.stdout.strip() == "False"
    assert seed.returncode != 0
    assert "Unknown command: 'seed_demo'" in seed.stderr


def test_the_development_settings_are_the_default_and_install_the_demo_app() -> None:
    result = run_python("manage.py", "help", "seed_demo")
    apps = run_python(
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from django.apps import apps; "
        "print(settings.SETTINGS_MODULE, apps.is_installed('demo'))",
    )

    assert result.returncode == 0, result.stderr
    assert "demo organization" in result.stdout
    assert apps.returncode == 0, apps.stderr
    assert apps.stdout.strip().splitlines()[-1] == "readiness.settings.dev True"


def test_local_defaults_use_sqlite_under_var_and_the_filesystem_broker() -> None:
    show = (
        SETUP + "; import json; from django.conf import settings as s; print(json.dumps({"
        "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
        "'broker': s.CELERY_BROKER_URL, 'folders': s.CELERY_BROKER_TRANSPORT_OPTIONS,"
        "'debug': s.DEBUG}))"
    )

    result = run_python("-c", show, DJANGO_SETTINGS_MODULE="readiness.settings.base")

    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout.strip().splitlines()[-1])
    var = BASE_DIR / "var"
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert Path(settings["name"]) == var / "readiness.sqlite3"
    assert settings["broker"] == "filesystem://"
    assert settings["folders"]["data_folder_in"] == str(var / "broker" / "queue")
    assert settings["folders"]["data_folder_out"] == settings["folders"]["data_folder_in"]
    assert settings["folders"]["processed_folder"] == str(var / "broker" / "processed")
    assert settings["folders"]["control_folder"] == str(var / "broker" / "control")
    assert settings["debug"] is True


@pytest.mark.parametrize(
    ("url", "setting", "threshold"),
    [
        ("postgres://u@db:5432/r", None, 5),
        ("postgres://u@db:5432/r", "2", 2),
        ("postgres://u@db:5432/r", "off", None),
        ("sqlite:///tmp/r.sqlite3", None, "absent"),
    ],
)
def test_hot_statements_are_prepared_on_postgresql_unless_turned_off(
    url: str, setting: str | None, threshold: int | str | None
) -> None:
    show = (
        SETUP + "; import json; from django.conf import settings as s;"
        " print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})"
        ".get('prepare_threshold', 'absent')))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "readiness.settings.base", "DATABASE_URL": url}
    if setting is not None:
        env["DATABASE_PREPARE_THRESHOLD"] = setting

    result = run_python("-c", show, **env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == threshold
