def char_classes(line):
    """Digits, letters and blanks in a line of text: its characters are passed to `ord` and
    compared with one-character literals, so only a `str` takes the fast path, as code points."""
    digits = letters = blanks = 0
    for i in range(len(line)):
        c = line[i]
        if '0' <= c <= '9':
            digits += 1
        elif 'a' <= c <= 'z' or 65 <= ord(c) <= 90:
            letters += 1
        elif c in " \t":
            blanks += 1
    return digits, letters, blanks
