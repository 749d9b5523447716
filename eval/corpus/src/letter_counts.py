"""Letter frequencies of a text (for the cipher-cracking notebook)."""


def letter_counts(text):
    """Return 26 counts, one per letter a-z, case-insensitive; other characters are ignored."""
    counts = [0] * 26
    for ch in text:
        code = ord(ch)
        if 65 <= code <= 90:
            counts[code - 65] += 1
        elif 97 <= code <= 122:
            counts[code - 97] += 1
    return counts
