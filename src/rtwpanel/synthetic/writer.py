"""Writing a delivery: per-source files appended chunk by chunk, the manifest,
and unknown-person rows held back to the end of each file.

Each chunk's rows are sorted by person then keys; chunks come in person order,
so every file is sorted as a whole. Defect line numbers are physical lines
(header = 1), known once the chunk is sorted.
"""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.defects import DefectRows
from rtwpanel.synthetic.table import Table

MANIFEST_HEADER = "source;line;kind;key;column;detail\n"


def open_text(path: Path, compress: bool, level: int = 6) -> BinaryIO:
    """A binary file; gzip without a timestamp or name so the bytes are reproducible."""
    raw = open(path, "wb")  # noqa: SIM115 - closed by the caller
    if not compress:
        return raw
    return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level)


def close(handle: BinaryIO) -> None:
    handle.close()
    if isinstance(handle, gzip.GzipFile) and handle.fileobj is not None:
        handle.fileobj.close()


class SourceFile:
    """One raw file being written, with its held-back tail and manifest parts."""

    def __init__(self, directory: Path, source: str, columns: list[str], compress: bool) -> None:
        self.source = source
        self.columns = columns
        suffix = ".csv.gz" if compress else ".csv"
        self.path = directory / f"{source}{suffix}"
        self.handle = open_text(self.path, compress)
        self.handle.write((";".join(columns) + "\n").encode())
        self.lines = 1
        self.tail = io.BytesIO()  # unknown-person rows (small: a rate of the rows)
        self.tail_manifest: list[DefectRows] = []
        self.manifest = open_text(directory / f".{source}.manifest.tmp", False)
        self.entities = open_text(directory / f".{source}.entities.tmp", False)
        self.tail_lines = 0

    def write(self, table: Table, inline: DefectRows | None, tail: DefectRows | None) -> None:
        names = self.columns
        lines = fmt.join_lines([table.fields[n] for n in names])
        person, keys = table.person, table.keys
        tiebreak = np.zeros(len(table), dtype=np.int64)
        if inline is not None:
            lines = pa.concat_arrays([lines, inline.lines])
            person = np.concatenate([person, inline.person])
            keys = [np.concatenate([a, b]) for a, b in zip(keys, inline.keys, strict=True)]
            tiebreak = np.concatenate([tiebreak, inline.tiebreak])
        order = np.lexsort([tiebreak, *reversed(keys), person])
        self.handle.write(fmt.line_bytes(lines.take(pa.array(order))))
        if inline is not None:
            position = np.empty(len(order), dtype=np.int64)
            position[order] = np.arange(len(order))
            line_no = self.lines + 1 + position[len(table) :]
            self._manifest(self.manifest, inline, line_no)
        self.lines += len(order)
        if tail is not None:
            self.tail.write(fmt.line_bytes(tail.lines))
            self.tail_manifest.append(tail)

    def _manifest(self, handle: BinaryIO, rows: DefectRows, line_no: np.ndarray) -> None:
        order = np.argsort(line_no, kind="stable")
        n = len(line_no)
        out = fmt.join_lines(
            [
                pa.array([self.source] * n),
                fmt.ints(line_no),
                pa.array(rows.kind),
                rows.key,
                rows.column,
                rows.detail,
            ]
        ).take(pa.array(order))
        handle.write(fmt.line_bytes(out))

    def write_entities(self, table: Table) -> None:
        for defect in table.entity_defects:
            n = len(defect.key)
            if n == 0:
                continue
            out = fmt.join_lines(
                [
                    pa.array([self.source] * n),
                    pa.nulls(n, pa.string()),
                    pa.array([defect.kind] * n),
                    defect.key,
                    pa.nulls(n, pa.string()),
                    defect.detail,
                ]
            )
            self.entities.write(fmt.line_bytes(out))

    def finish(self, manifest: BinaryIO) -> int:
        """Append the tail, close the file, and copy this source's manifest rows out."""
        self.handle.write(self.tail.getvalue())
        line = self.lines + 1
        for rows in self.tail_manifest:
            n = len(rows.lines)
            self._manifest(self.manifest, rows, np.arange(line, line + n))
            line += n
        self.lines = line - 1
        close(self.handle)
        for part in (self.manifest, self.entities):
            part.close()
            with open(part.name, "rb") as src:
                shutil.copyfileobj(src, manifest)
            Path(part.name).unlink()
        return self.lines - 1  # data rows
