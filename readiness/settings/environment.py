"""Where settings come from: the environment, or a ``.env`` file at the project root (read
once, here, before any settings module reads a value; a variable already set wins)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
