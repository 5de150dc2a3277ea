# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

# The image is a deployment: it needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS to start.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_DEBUG=false \
    RTCM_VAR_DIR=/var/lib/rtcm

# WeasyPrint's libraries (Pango, HarfBuzz with fast subsetting) and fonts that
# cover Latin, Azerbaijani ə, Cyrillic, Georgian, Armenian and Arabic (Noto Naskh
# Arabic for the certificates' Arabic parts).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      shared-mime-info fonts-dejavu-core fonts-dejavu-extra fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The locked versions first (hashes checked), in a layer of their own that a code
# change does not rebuild. The build group (setuptools<81, wheel) goes in first and
# nothing builds in isolation: xstatic-bootstrap's sdist imports pkg_resources.
COPY requirements.lock ./
RUN pip install --upgrade pip \
 && pip install -c requirements.lock setuptools wheel \
 && pip install --no-build-isolation --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
# rtcm/ carries the translations too (rtcm/locale/*/LC_MESSAGES/django.mo).
COPY rtcm ./rtcm
COPY courses ./courses
COPY participants ./participants
COPY library ./library
COPY experts ./experts
COPY manage.py ./
RUN pip install --no-build-isolation --no-deps . \
 && useradd --system --home /var/lib/rtcm rtcm \
 && mkdir -p /var/lib/rtcm && chown rtcm /var/lib/rtcm \
 && DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && chown -R rtcm /var/lib/rtcm

USER rtcm
EXPOSE 8000
CMD ["gunicorn", "rtcm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
