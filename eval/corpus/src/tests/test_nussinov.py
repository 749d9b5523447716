from nussinov import nussinov


def test_nussinov_hairpin():
    assert nussinov("GGGAAAUCC") == 3
    assert nussinov("AU") == 0
    assert nussinov("AAU") == 1
    assert nussinov("") == 0
