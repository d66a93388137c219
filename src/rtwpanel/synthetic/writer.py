"""Writing a delivery: each chunk of persons becomes a block of bytes per file
(built in a worker), and the blocks are appended in person order.

Within a chunk, the sound rows come in file order and each defect row follows
the row it copies; unknown-person rows are held back to the end of the file,
after every participant. Defect line numbers are physical lines (header = 1),
fixed when the block is appended.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.defects import DefectRows
from rtwpanel.synthetic.table import Table

MANIFEST_HEADER = "source;line;kind;key;column;detail\n"


def gzip_member(data: bytes | memoryview, level: int) -> bytes:
    """One gzip member without timestamp or name: reproducible bytes. Members
    concatenate into a valid gzip file."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=level) as gz:
        gz.write(data)
    return buffer.getvalue()


@dataclass
class ManifestPart:
    """Manifest rows of defect rows, line numbers relative to their block."""

    line: np.ndarray
    kind: pa.Array
    key: pa.Array
    column: pa.Array
    detail: pa.Array

    @classmethod
    def of(cls, rows: DefectRows, line: np.ndarray) -> ManifestPart:
        return cls(line, rows.kind, rows.key, rows.column, rows.detail)

    def text(self, source: str, first_line: int) -> memoryview:
        n = len(self.line)
        return fmt.line_bytes(
            fmt.join_lines(
                [
                    fmt.labels(np.zeros(n, np.int64), [source]),
                    fmt.ints(self.line + first_line),
                    self.kind,
                    self.key,
                    self.column,
                    self.detail,
                ]
            )
        )


def append_file(handle: BinaryIO, part: Path) -> None:
    """Append a part file to an open file (in the kernel where it can), then delete it."""
    handle.flush()
    with open(part, "rb") as src:
        size = os.fstat(src.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                n = os.copy_file_range(src.fileno(), handle.fileno(), size - copied)
                if n == 0:
                    break
                copied += n
        except (AttributeError, OSError):
            src.seek(copied)
            handle.seek(0, os.SEEK_END)
            shutil.copyfileobj(src, handle, 1 << 22)
    part.unlink()


@dataclass
class Block:
    """One source's part of one chunk, ready to append: the text itself, or the part
    file holding it (written by a worker process)."""

    body: bytes | Path
    n_lines: int
    manifest: ManifestPart | None
    tail: bytes
    tail_manifest: ManifestPart | None
    entities: bytes


def compress_block(block: Block, level: int) -> None:
    """Turn a block's text into gzip members, in the worker that built it; the file
    then grows by plain appends and still reads as one gzip stream."""
    assert isinstance(block.body, bytes)
    block.body = gzip_member(block.body, level)
    block.tail = gzip_member(block.tail, level) if block.tail else b""


def make_block(table: Table, inline: DefectRows | None, tail: DefectRows | None) -> Block:
    names = list(table.fields)
    lines = fmt.join_lines([table.fields[n] for n in names])
    n_sound = len(table)
    manifest = None
    if inline is not None:
        # sound row i goes to 2i, a defect row copying row i to 2i + 1
        slot = np.concatenate([2 * np.arange(n_sound), 2 * inline.after + 1])
        order = np.argsort(slot, kind="stable")
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        lines = pa.concat_arrays([lines, inline.lines]).take(pa.array(order))
        manifest = ManifestPart.of(inline, position[n_sound:])
    entity_parts = []
    for defect in table.entity_defects:
        n = len(defect.key)
        if n:
            blank = pa.nulls(n, pa.string())
            kind = fmt.labels(np.zeros(n, np.int64), [defect.kind])
            source = fmt.labels(np.zeros(n, np.int64), [table.source])
            entity_parts.append(
                bytes(
                    fmt.line_bytes(
                        fmt.join_lines([source, blank, kind, defect.key, blank, defect.detail])
                    )
                )
            )
    return Block(
        body=bytes(fmt.line_bytes(lines)),
        n_lines=len(lines),
        manifest=manifest,
        tail=bytes(fmt.line_bytes(tail.lines)) if tail is not None else b"",
        tail_manifest=ManifestPart.of(tail, np.arange(len(tail.lines)))
        if tail is not None
        else None,
        entities=b"".join(entity_parts),
    )


class SourceFile:
    """One raw file being appended to, with its held-back tail and manifest parts.
    With ``gzip_level`` the file is ``source.csv.gz`` and every block arrives
    compressed (see compress_block)."""

    def __init__(
        self, directory: Path, source: str, columns: list[str], gzip_level: int | None = None
    ) -> None:
        self.source = source
        header = (";".join(columns) + "\n").encode()
        if gzip_level is None:
            self.path = directory / f"{source}.csv"
        else:
            self.path = directory / f"{source}.csv.gz"
            header = gzip_member(header, gzip_level)
        self.handle = open(self.path, "wb")  # noqa: SIM115 - closed in finish()
        self.handle.write(header)
        self.lines = 1
        self.tail = open(directory / f".{source}.tail.tmp", "w+b")  # noqa: SIM115
        self.tail_lines = 0
        self.tail_manifest: list[tuple[int, ManifestPart]] = []
        self.manifest = open(directory / f".{source}.manifest.tmp", "w+b")  # noqa: SIM115
        self.entities = open(directory / f".{source}.entities.tmp", "w+b")  # noqa: SIM115

    def append(self, block: Block) -> None:
        if isinstance(block.body, Path):
            append_file(self.handle, block.body)
        else:
            self.handle.write(block.body)
        if block.manifest is not None:
            self.manifest.write(block.manifest.text(self.source, self.lines + 1))
        self.lines += block.n_lines
        if block.tail_manifest is not None:
            self.tail_manifest.append((self.tail_lines, block.tail_manifest))
            self.tail.write(block.tail)
            self.tail_lines += len(block.tail_manifest.line)
        self.entities.write(block.entities)

    def finish(self, manifest: BinaryIO) -> int:
        """Append the tail, close the file, copy this source's manifest rows out;
        the number of data rows."""
        for offset, part in self.tail_manifest:
            self.manifest.write(part.text(self.source, self.lines + 1 + offset))
        self.tail.seek(0)
        shutil.copyfileobj(self.tail, self.handle)
        self.lines += self.tail_lines
        self.handle.close()
        for part in (self.manifest, self.entities):
            part.seek(0)
            shutil.copyfileobj(part, manifest)
        for part in (self.tail, self.manifest, self.entities):
            part.close()
            Path(part.name).unlink()
        return self.lines - 1
