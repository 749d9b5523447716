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


class InstanceState(dict):
    """The attributes of the instance a method runs on, as the first argument of a case: each
    call makes its own instance of the method's class (the original's or the candidate's copy of
    it) from them, and after the call they hold the instance's attributes again, so the
    comparison of the arguments after the call compares the instance's state."""


class AiaccelRecord:
    """A record of a generated list of records: plain attributes, compared by value."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        return "record(%s)" % ", ".join("%s=%r" % kv for kv in self.__dict__.items())


def bound_callable(module_name, qualname, kind):
    """A plain callable for the function. A method's takes, in the place of `self`, an
    InstanceState (or a captured instance, whose attributes are taken and written back)."""
    mod, owner, fn = resolve(module_name, qualname)
    if kind != "method":
        return fn
    cls = owner

    def on_instance(state, *args, **kwargs):
        given = state
        if not isinstance(state, InstanceState):
            state = InstanceState(_fields(state))
        inst = cls.__new__(cls)
        for k, v in state.items():
            object.__setattr__(inst, k, v)
        try:
            return fn(inst, *args, **kwargs)
        finally:
            after = _fields(inst)
            if given is state:
                state.clear()
                state.update(after)
            else:
                for k, v in after.items():
                    object.__setattr__(given, k, v)

    on_instance.__wrapped__ = fn
    return on_instance


