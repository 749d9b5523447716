from run_length import run_length


def test_run_length():
    assert run_length(b"aaabccdddd") == [(97, 3), (98, 1), (99, 2), (100, 4)]
    assert run_length(b"") == []
    assert run_length(bytes(300)) == [(0, 255), (0, 45)]
