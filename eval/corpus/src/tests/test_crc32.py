import zlib

from crc32 import crc32


def test_crc32_check_value():
    assert crc32(b"123456789") == 0xCBF43926
    assert crc32(b"") == 0


def test_crc32_continuation_matches_zlib():
    packet = bytes(range(256)) * 3
    assert crc32(packet) == zlib.crc32(packet)
    assert crc32(packet[100:], crc32(packet[:100])) == zlib.crc32(packet)
