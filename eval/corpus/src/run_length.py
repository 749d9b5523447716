"""Run-length encoding of a byte stream."""


def run_length(data):
    """Encode ``data`` (bytes) as a list of (byte value, run length) tuples; runs are capped
    at 255 so that each pair fits in two bytes."""
    runs = []
    n = len(data)
    i = 0
    while i < n:
        value = data[i]
        length = 1
        while i + length < n and data[i + length] == value and length < 255:
            length += 1
        runs.append((value, length))
        i += length
    return runs
