def dump(xs, path):
    with open(path, "w") as fh:
        for x in xs:
            fh.write(str(x * 2))
