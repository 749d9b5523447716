# aiaccel harness, part: loading the function under test (joined with the other parts into one script at build time: src/python.rs)
# ---------------------------------------------------------------- loading


def resolve(module_name, qualname):
    import importlib

    mod = importlib.import_module(module_name)
    obj = mod
    owner = None
    for part in qualname.split("."):
        owner = obj
        obj = getattr(obj, part)
    return mod, owner, obj


def bound_callable(module_name, qualname, kind):
    """Return a plain callable for the function. Methods need an instance: not supported here."""
    mod, owner, fn = resolve(module_name, qualname)
    if kind == "method":
        raise RuntimeError("method needs an instance of its class; aiaccel cannot build one yet")
    return fn


