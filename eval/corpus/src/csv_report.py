"""Write the per-sensor summary table to disk."""


def csv_report(rows, path):
    """Write ``rows`` (lists of numbers) to ``path`` as CSV with a header line, one line per
    row, plus a final line with the column totals. Returns the number of data rows written."""
    ncols = len(rows[0]) if rows else 0
    totals = [0.0] * ncols
    with open(path, "w") as fh:
        fh.write(",".join("c%d" % j for j in range(ncols)) + "\n")
        for row in rows:
            cells = []
            for j in range(ncols):
                totals[j] += row[j]
                cells.append("%.6g" % row[j])
            fh.write(",".join(cells) + "\n")
        fh.write(",".join("%.6g" % t for t in totals) + "\n")
    return len(rows)
