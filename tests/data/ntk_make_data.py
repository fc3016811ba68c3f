#!/usr/bin/env python3
"""ntk_make_data.py — writes the small data files of the ntk tests
(tests/data/ntk_*), deterministically: run it from anywhere and the same
bytes come out. The files are checked in; this script documents how they
were made and what is wrong with each crafted one.

Good data:
  ntk_small.csv, ntk_small_test.csv  two classes (labels 3 and 5) in 4-D,
                                     two noisy clusters; 16 and 10 rows
  ntk_pm1.csv                        labels +1/-1 (no classes needed)
  ntk_tiny-{images,labels}.idx[.gz]  10 images of 4x4 pixels, labels 0..3
Crafted bad data (one defect each):
  ntk_bad_magic-images.idx   text, not IDX (magic number 0x302c3132)
  ntk_float-images.idx       IDX data type 0x0d (float)
  ntk_truncated-images.idx   header: 10 images, data for 7.5
  ntk_truncated-images.idx.gz  a gzip stream cut in the middle
  ntk_trailing-images.idx    5 bytes after the last image
  ntk_count9-labels.idx      9 labels for the 10 tiny images
  ntk_zero-images.idx        image 3 is all zeros
  ntk_zero.csv               the row on line 3 has all-zero features
  ntk_dup.csv                lines 2 and 5 are parallel (one is 3 times the other)
  ntk_one_column.csv         labels only
  ntk_badlabel.csv           a label 2 where +1/-1 is expected
  ntk_d3.csv                 3 features where the others have 4
"""
import gzip
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def idx(type_byte, dims, payload):
    return bytes([0, 0, type_byte, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def csv(rows):
    return "".join(",".join(str(v) for v in r) + "\n" for r in rows).encode()


rng = random.Random(7)

# two clusters in 4-D: class 3 near (1, 1, 0.2, 0), class 5 near (0.2, 1, 1, 0.5)
def cluster_rows(count):
    rows = []
    for i in range(count):
        lab = 3 if i % 2 == 0 else 5
        c = (1.0, 1.0, 0.2, 0.0) if lab == 3 else (0.2, 1.0, 1.0, 0.5)
        rows.append([lab] + [round(v + rng.gauss(0, 0.35), 3) for v in c])
    return rows

small = cluster_rows(16)
small_test = cluster_rows(10)
write("ntk_small.csv", b"# label, four features (tests/data/ntk_make_data.py)\n" + csv(small))
write("ntk_small_test.csv", b"# label, four features (tests/data/ntk_make_data.py)\n" + csv(small_test))
write("ntk_pm1.csv", csv([[1 if r[0] == 3 else -1] + r[1:] for r in small[:8]]))
write("ntk_zero.csv", csv(small[:2] + [[3, 0, 0, 0, 0]] + small[2:6]).replace(b"3,0,0,0,0", b"3, 0, 0.0, 0, 0"))
dup = [list(r) for r in small[:6]]
dup[4] = [dup[4][0]] + [round(3 * v, 3) for v in dup[1][1:]]
write("ntk_dup.csv", csv(dup))
write("ntk_one_column.csv", b"3\n5\n3\n5\n")
write("ntk_badlabel.csv", csv([[1, 0.5, 0.1], [-1, 0.2, 0.9], [2, 0.3, 0.3], [1, 0.7, 0.2]]))
write("ntk_d3.csv", csv([[r[0]] + r[1:4] for r in small_test]))

# IDX: 10 images of 4x4, labels 0..3 cyclic
img = bytearray()
for k in range(10):
    for p in range(16):
        img.append(rng.randrange(1, 256) if (p + k) % 3 else rng.randrange(0, 40))
labels = bytes(k % 4 for k in range(10))
tiny_images = idx(0x08, [10, 4, 4], bytes(img))
tiny_labels = idx(0x08, [10], labels)
write("ntk_tiny-images.idx", tiny_images)
write("ntk_tiny-labels.idx", tiny_labels)
write("ntk_tiny-images.idx.gz", gz(tiny_images))
write("ntk_tiny-labels.idx.gz", gz(tiny_labels))

write("ntk_bad_magic-images.idx", b"0,12,200,3\n1,40,7,9\n")
write("ntk_float-images.idx", idx(0x0D, [2, 2, 2], struct.pack(">8f", *range(1, 9))))
write("ntk_truncated-images.idx", tiny_images[: 16 + 16 * 7 + 8])
whole = gz(tiny_images)
write("ntk_truncated-images.idx.gz", whole[: len(whole) // 2])
write("ntk_trailing-images.idx", tiny_images + b"\x01\x02\x03\x04\x05")
write("ntk_count9-labels.idx", idx(0x08, [9], labels[:9]))
zero = bytearray(img)
zero[3 * 16 : 4 * 16] = bytes(16)
write("ntk_zero-images.idx", idx(0x08, [10, 4, 4], bytes(zero)))
