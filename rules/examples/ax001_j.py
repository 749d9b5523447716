def letter_counts(text):
    counts = [0] * 26
    for ch in text:
        code = ord(ch)
        if 65 <= code <= 90:
            counts[code - 65] += 1
        elif 'a' <= ch <= 'z':
            counts[code - 97] += 1
    return counts
