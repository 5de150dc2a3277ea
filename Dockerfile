# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    RTCM_VAR_DIR=/var/lib/rtcm

# WeasyPrint's libraries (Pango, HarfBuzz with fast subsetting) and fonts that
# cover Latin, Azerbaijani ə, Cyrillic, Georgian, Armenian and Arabic.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      shared-mime-info fonts-dejavu-core fonts-dejavu-extra \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY rtcm ./rtcm
COPY courses ./courses
COPY participants ./participants
COPY library ./library
COPY experts ./experts
COPY manage.py ./
# setuptools<81 and wheel without build isolation: xstatic-bootstrap's sdist needs pkg_resources.
RUN pip install --upgrade pip "setuptools>=77,<81" wheel \
 && pip install --no-build-isolation . \
 && useradd --system --home /var/lib/rtcm rtcm \
 && mkdir -p /var/lib/rtcm && chown rtcm /var/lib/rtcm \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && chown -R rtcm /var/lib/rtcm

USER rtcm
EXPOSE 8000
CMD ["gunicorn", "rtcm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
