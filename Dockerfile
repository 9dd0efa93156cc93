# Production image: gunicorn serving Django, static files by whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
# The image is production: it refuses to start without a strong SECRET_KEY and ALLOWED_HOSTS (msp/security.py).
ENV VCIO_PRODUCTION=1 GUNICORN_TIMEOUT=30
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        fonts-dejavu-core fonts-liberation && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN VCIO_PRODUCTION=0 DATABASE_URL=postgresql://build@localhost/build SECRET_KEY=build python manage.py collectstatic --noinput
RUN useradd --system --home /app vcio && chown -R vcio /app
USER vcio
EXPOSE 8000
# A request running past GUNICORN_TIMEOUT seconds is ended and its worker replaced.
CMD ["sh", "-c", "exec gunicorn msp.wsgi --bind 0.0.0.0:8000 --workers 3 --timeout \"$GUNICORN_TIMEOUT\" --graceful-timeout 30 --access-logfile -"]
