# Readiness production image: gunicorn serves the app, WhiteNoise its static files. The same
# image runs the Celery worker and beat (docker-compose.yml overrides the command).
# MALLOC_*: glibc keeps large blocks in the heap instead of mapping and unmapping each one;
# a team map's ~1.4 MB strings (copied about nine times a build) faulted their pages in at
# every copy: about 17 % of the map's and the grid editor's CPU (README, Performance). A
# worker keeps its peak memory instead of returning it (tens of MB).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=readiness.settings.production \
    WEB_CONCURRENCY=3 \
    MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=268435456

RUN groupadd --system --gid 10001 readiness \
    && useradd --system --uid 10001 --gid readiness --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin readiness

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. The project itself ships
# no package (it runs from /app); XStatic-Bootstrap's sdist needs setuptools<81 to build.
COPY pyproject.toml build-constraints.txt README.md ./
RUN python -m pip install --upgrade pip \
    && python -m pip install --build-constraint build-constraints.txt .

COPY . .

# Static files are collected into the image (var/static, served by WhiteNoise). Production
# settings refuse to load without a real SECRET_KEY: the build uses a throwaway one that is
# never part of the image's environment.
RUN SECRET_KEY="collectstatic-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
        ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown -R readiness:readiness var

USER readiness
EXPOSE 8000

# gunicorn reads WEB_CONCURRENCY for its number of workers. The timeout leaves room for the
# largest request the product takes: an HR upsert of 100,000 people is checked entry by entry
# before it is queued (7 to 21 s measured on 2 shared cores).
CMD ["gunicorn", "readiness.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "120", "--access-logfile", "-"]
