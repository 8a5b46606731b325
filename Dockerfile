FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The code stays owned by root, so a compromised process cannot rewrite it. The user gets a
# home of its own because gunicorn puts its control socket in ~/.gunicorn.
RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

# WeasyPrint renders the letter's PDF through Pango and HarfBuzz (Arabic shaping, right to
# left); its fonts are vendored in static/fonts/, so no font package is installed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    && rm -rf /var/lib/apt/lists/*

# Dependencies are installed from pyproject.toml alone, so this layer is rebuilt only when they
# change, not on every code change. The code itself runs from /app.
COPY pyproject.toml /tmp/deps/
RUN pip install /tmp/deps && rm -rf /tmp/deps

WORKDIR /app
COPY . .

# The translations, compiled from the catalogues in git (gettext is needed for this step only).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && SECRET_KEY=build-only-compilemessages-key-never-used-to-sign-anything-0123456789 \
       DEBUG=False python manage.py compilemessages --ignore=.venv \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

# settings.py refuses to load with DEBUG off and no real SECRET_KEY; this throwaway value exists
# only for this one command and is not kept in the image's environment.
RUN SECRET_KEY=build-only-collectstatic-key-never-used-to-sign-anything-0123456789 \
    DEBUG=False \
    python manage.py collectstatic --noinput

# Uploaded logos and banners: a volume in docker-compose.yml, owned by the app's user.
RUN mkdir -p /app/media && chown app:app /app/media

USER app
EXPOSE 8000
CMD ["gunicorn", "coalition.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
