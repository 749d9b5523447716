"""Bitwise CRC-32 (IEEE 802.3, reflected) for checksumming packets."""

POLY = 0xEDB88320


def crc32(data, value=0):
    """CRC-32 of the bytes-like ``data``; ``value`` is a running CRC to continue from (the
    same convention as zlib.crc32). Returns an unsigned 32-bit int."""
    crc = value ^ 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            if crc & 1:
                crc = (crc >> 1) ^ POLY
            else:
                crc >>= 1
    return crc ^ 0xFFFFFFFF
