from csv_report import csv_report


def test_csv_report(tmp_path):
    path = tmp_path / "summary.csv"
    n = csv_report([[1.0, 2.5], [3.0, 0.125]], str(path))
    assert n == 2
    assert path.read_text() == "c0,c1\n1,2.5\n3,0.125\n4,2.625\n"
