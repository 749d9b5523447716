from letter_counts import letter_counts


def test_letter_counts():
    counts = letter_counts("Hello, World!")
    assert counts[ord("l") - ord("a")] == 3
    assert counts[ord("h") - ord("a")] == 1
    assert sum(counts) == 10
