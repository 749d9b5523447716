import zlib

from _common import compare_all, expect_ok, np_rng

FUNCTION = "crc32"
GROUP = "numpy-loops"
# n bytes. O(8 n)
SIZES = {"small": 600, "medium": 65000, "large": 1300000}


def make_inputs(size, seed):
    return (np_rng(seed).integers(0, 256, size=size, dtype="u1").tobytes(),)


def oracle(candidate, original):
    rng = np_rng(1310)
    payload = rng.integers(0, 256, size=300, dtype="u1").tobytes()
    cases = [
        ("random 64", make_inputs(64, 1311)),
        ("random 1000", make_inputs(1000, 1312)),
        ("empty", (b"",)),
        ("one zero byte", (b"\x00",)),
        ("all 0xff", (b"\xff" * 40,)),
        ("check string", (b"123456789",)),
        ("bytearray", (bytearray(payload[:50]),)),
        ("continuation value", (payload[100:], zlib.crc32(payload[:100]))),
        ("continuation from 0xFFFFFFFF", (payload[:20], 0xFFFFFFFF)),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, args) in enumerate(cases):
        o = expect_ok(outs[k], label)
        ref = zlib.crc32(*args)
        if o.result != ref:
            raise AssertionError(f"reference check crc32 {label}: original {o.result:#x}, zlib {ref:#x}")
