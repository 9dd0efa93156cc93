"""Background jobs of the clients app.

The document pipeline defines its one generic task next to the code it runs (clients.document_jobs), so
queueing it needs no import of this module; naming it here is what a worker's task discovery sees. Asset
CSV imports run on the core's generic import task (msp.csvimport.apply_csv_import).
"""

from __future__ import annotations

from .document_jobs import render_client_document

__all__ = ["render_client_document"]
