"""RTCM_STORAGE_BACKEND=s3: files go to an S3-compatible bucket and come back, through
default_storage, against moto's S3 server on 127.0.0.1 (no network, no account)."""

import pytest

from tests.subprocesses import run_python

BUCKET = "rtcm-files"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def s3_endpoint():
    """moto's S3 server on a free port of 127.0.0.1, with an empty bucket."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    try:
        yield endpoint, client
    finally:
        client.close()
        server.stop()


SCRIPT = """
import sys
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

name = default_storage.save("certificates/ÄΩ сертификат.pdf", ContentFile(b"%PDF-1.7 stored"))
again = default_storage.save("certificates/ÄΩ сертификат.pdf", ContentFile(b"%PDF-1.7 second"))
with default_storage.open(name) as stored:
    print(stored.read().decode())
print(name)
print(again)
print(default_storage.url(name))
default_storage.delete(again)
print(default_storage.exists(again))
"""


def test_s3_storage_stores_reads_back_and_deletes_files_in_the_bucket(s3_endpoint, tmp_path):
    endpoint, client = s3_endpoint
    result = run_python(
        "-c",
        SCRIPT,
        **CREDENTIALS,
        DJANGO_SETTINGS_MODULE="rtcm.settings",
        RTCM_VAR_DIR=str(tmp_path),
        RTCM_STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_LOCATION="media",
    )
    assert result.returncode == 0, result.stderr
    content, name, again, url, again_exists = result.stdout.splitlines()

    assert content == "%PDF-1.7 stored"
    assert name.startswith("certificates/")
    assert again != name  # never overwritten
    assert again_exists == "False"
    # Private: the address is signed and leads to the service, not to a public bucket.
    assert url.startswith(f"{endpoint}/{BUCKET}/media/certificates/")
    assert "X-Amz-Signature=" in url
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"media/{name}"]
    stored = client.get_object(Bucket=BUCKET, Key=f"media/{name}")["Body"].read()
    assert stored == b"%PDF-1.7 stored"
