#!/usr/bin/python3
"""make_gguf_fixtures.py — write tests/ref/gguf/tiny.gguf with numpy alone, following the GGUF
specification (github.com/ggml-org/ggml, docs/gguf.md) independently of tezgah's writer
(src/engine/formats/gguf.c), so test_gguf.c checks our reader against a second implementation
of the layout.

The file: version 3, general.alignment 64 (not the default 32, so padding is exercised),
metadata of several types, and three tensors:
  a  F32  shape 2 × 8 (ggml ne [8, 2])  a[i] = i/8 − 1
  b  F16  16 values                     the same values, as halves (all exact)
  q  Q8_0 2 × 32 (ne [32, 2])           block 0: d = 0.5, q[k] = k − 16; block 1: q[k] = 16 − k
Run: /usr/bin/python3 tests/ref/make_gguf_fixtures.py   (writes a file of about 700 bytes)
"""
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gguf", "tiny.gguf")
ALIGN = 64

UINT32, FLOAT32, STRING, ARRAY, FLOAT64 = 4, 6, 8, 9, 12
F32, F16, Q8_0 = 0, 1, 8


def s(text):
    b = text.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def kv(key, vtype, payload):
    return s(key) + struct.pack("<I", vtype) + payload


def main():
    a = (np.arange(16, dtype=np.float32) / 8 - 1).reshape(2, 8)
    b = a.reshape(16).astype(np.float16)
    blocks = b""
    for sign in (1, -1):
        qs = (np.arange(32) - 16) * sign
        blocks += np.float16(0.5).tobytes() + qs.astype(np.int8).tobytes()
    tensors = [("a", [8, 2], F32, a.astype("<f4").tobytes()),
               ("b", [16], F16, b.astype("<f2").tobytes()),
               ("q", [32, 2], Q8_0, blocks)]
    meta = [kv("general.alignment", UINT32, struct.pack("<I", ALIGN)),
            kv("general.name", STRING, s("numpy yazdı")),
            kv("test.count", UINT32, struct.pack("<I", 7)),
            kv("test.pi", FLOAT64, struct.pack("<d", 3.25)),
            kv("test.words", ARRAY, struct.pack("<IQ", STRING, 3) + s("bir") + s("iki") + s("üç"))]
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta)) + b"".join(meta)
    data, infos = b"", b""
    for name, ne, ty, raw in tensors:
        infos += s(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
        infos += struct.pack("<IQ", ty, len(data))
        data += raw + b"\0" * (-len(raw) % ALIGN)
    head += infos
    head += b"\0" * (-len(head) % ALIGN)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(head + data)
    print(OUT, len(head) + len(data), "bytes")


if __name__ == "__main__":
    main()
