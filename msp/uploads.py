"""An upload handler that stops a request body's files past a size cap while they stream in.

Django's memory settings only decide where an upload is buffered; without this a huge file would be written
to a temporary file in full before any form could refuse it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class CappedUploadHandler(FileUploadHandler):
    """Abort uploads whose files together exceed settings.MAX_UPLOAD_BYTES."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        self.cap = settings.MAX_UPLOAD_BYTES
        self.too_big = content_length is not None and content_length > self.cap + 64 * 1024
        self.request.upload_too_big = self.too_big

    def new_file(self, *args, **kwargs):
        if self.too_big:
            raise StopUpload(connection_reset=False)
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.cap:
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
