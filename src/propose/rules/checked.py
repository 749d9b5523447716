# Rewrites import these names (src/runtime.rs); within one module the last import binds them
# for every rewrite there: a new version may add a helper or an optional parameter, never
# change what an existing call computes.
import math as _aiaccel_math

import numba as _aiaccel_nb
from numba import types as _aiaccel_nbt
from numba.extending import intrinsic as _aiaccel_intrinsic, overload as _aiaccel_overload


class _AiaccelIntOverflow(ArithmeticError):
    """An int the kernel computed left int64, where Python's int would have grown: the adapter
    runs the original instead."""


def _aiaccel_i64(t):
    # signed ints of any width, and unsigned ones narrower than 64 bits, fit int64 exactly
    return isinstance(t, _aiaccel_nbt.Integer) and (t.signed or t.bitwidth < 64)


def _aiaccel_ints(*ts):
    return all(_aiaccel_i64(t) for t in ts)


def _aiaccel_int_arrays(*ts):
    return any(isinstance(t, _aiaccel_nbt.Array) and isinstance(t.dtype, _aiaccel_nbt.Integer) for t in ts)


def _aiaccel_ovf(op):
    """(int64 result, overflowed) of LLVM's checked signed add/sub/mul."""

    @_aiaccel_intrinsic
    def ovf(typingctx, a, b):
        if not _aiaccel_ints(a, b):
            return None
        sig = _aiaccel_nbt.Tuple((_aiaccel_nbt.int64, _aiaccel_nbt.boolean))(a, b)

        def codegen(context, builder, signature, args):
            x = context.cast(builder, args[0], a, _aiaccel_nbt.int64)
            y = context.cast(builder, args[1], b, _aiaccel_nbt.int64)
            res = getattr(builder, op + "_with_overflow")(x, y)
            return context.make_tuple(builder, signature.return_type, [builder.extract_value(res, 0), builder.extract_value(res, 1)])

        return sig, codegen

    return ovf


_aiaccel_sadd = _aiaccel_ovf("sadd")
_aiaccel_ssub = _aiaccel_ovf("ssub")
_aiaccel_smul = _aiaccel_ovf("smul")


def _aiaccel_add(a, b):
    return a + b


def _aiaccel_sub(a, b):
    return a - b


def _aiaccel_mul(a, b):
    return a * b


def _aiaccel_pow(a, b):
    return a ** b


def _aiaccel_lshift(a, b):
    return a << b


def _aiaccel_neg(a):
    return -a


def _aiaccel_abs(a):
    return abs(a)


def _aiaccel_floordiv(a, b):
    return a // b


def _aiaccel_mod(a, b):
    return a % b


def _aiaccel_rshift(a, b):
    return a >> b


def _aiaccel_int(x):
    return int(x)


def _aiaccel_round(x):
    return round(x)


def _aiaccel_floor(x):
    return _aiaccel_math.floor(x)


def _aiaccel_ceil(x):
    return _aiaccel_math.ceil(x)


def _aiaccel_trunc(x):
    return _aiaccel_math.trunc(x)


def _aiaccel_sum(xs):
    return sum(xs)


def _aiaccel_binary(fn, checked_op, plain):
    @_aiaccel_overload(fn)
    def ov(a, b):
        if _aiaccel_ints(a, b):
            def impl(a, b):
                r, o = checked_op(a, b)
                if o:
                    raise _AiaccelIntOverflow()
                return r
            return impl
        if _aiaccel_int_arrays(a, b):
            # whole-array int arithmetic cannot be checked element by element here
            def refuse(a, b):
                raise _AiaccelIntOverflow()
            return refuse
        return plain


_aiaccel_binary(_aiaccel_add, _aiaccel_sadd, lambda a, b: a + b)
_aiaccel_binary(_aiaccel_sub, _aiaccel_ssub, lambda a, b: a - b)
_aiaccel_binary(_aiaccel_mul, _aiaccel_smul, lambda a, b: a * b)


# Parallel kernels: an exception raised inside a prange loop is lost, so there the helpers
# set flag[0] instead and the adapter runs the original when it is set after the kernel.
def _aiaccel_add_f(a, b, flag):
    return a + b


def _aiaccel_sub_f(a, b, flag):
    return a - b


def _aiaccel_mul_f(a, b, flag):
    return a * b


def _aiaccel_pow_f(a, b, flag):
    return a ** b


def _aiaccel_neg_f(a, flag):
    return -a


def _aiaccel_abs_f(a, flag):
    return abs(a)


def _aiaccel_floordiv_f(a, b, flag):
    return a // b


def _aiaccel_mod_f(a, b, flag):
    return a % b


def _aiaccel_rshift_f(a, b, flag):
    return a >> b


def _aiaccel_int_f(x, flag):
    return int(x)


def _aiaccel_sum_f(xs, flag):
    return sum(xs)


def _aiaccel_binary_f(fn, checked_op, plain):
    # compiled once here: the implementations below call it from a closure, and Numba types a
    # compiled function there, not a Python lambda
    plain = _aiaccel_nb.njit(plain)

    @_aiaccel_overload(fn)
    def ov(a, b, flag):
        if _aiaccel_ints(a, b):
            def impl(a, b, flag):
                r, o = checked_op(a, b)
                if o:
                    flag[0] = 1
                return r
            return impl
        if _aiaccel_int_arrays(a, b):
            def refuse(a, b, flag):
                flag[0] = 1
                return plain(a, b)
            return refuse
        return lambda a, b, flag: plain(a, b)


_aiaccel_binary_f(_aiaccel_add_f, _aiaccel_sadd, lambda a, b: a + b)
_aiaccel_binary_f(_aiaccel_sub_f, _aiaccel_ssub, lambda a, b: a - b)
_aiaccel_binary_f(_aiaccel_mul_f, _aiaccel_smul, lambda a, b: a * b)


@_aiaccel_overload(_aiaccel_pow_f)
def _aiaccel_ov_pow_f(a, b, flag):
    if _aiaccel_ints(a, b):
        def impl(a, b, flag):
            if b < 0:
                flag[0] = 1
                return 0
            r = 1
            base = a
            e = b
            while e > 0:
                if e & 1:
                    r, o = _aiaccel_smul(r, base)
                    if o:
                        flag[0] = 1
                e >>= 1
                if e > 0:
                    base, o = _aiaccel_smul(base, base)
                    if o:
                        flag[0] = 1
            return r
        return impl
    if _aiaccel_int_arrays(a, b):
        def refuse(a, b, flag):
            flag[0] = 1
            return a ** b
        return refuse
    return lambda a, b, flag: a ** b


@_aiaccel_overload(_aiaccel_neg_f)
def _aiaccel_ov_neg_f(a, flag):
    if _aiaccel_ints(a):
        def impl(a, flag):
            x = _aiaccel_nb.int64(a)
            if x == -9223372036854775807 - 1:
                flag[0] = 1
            return -x
        return impl
    if _aiaccel_int_arrays(a):
        def refuse(a, flag):
            flag[0] = 1
            return -a
        return refuse
    return lambda a, flag: -a


@_aiaccel_overload(_aiaccel_int_f)
def _aiaccel_ov_int_f(x, flag):
    if isinstance(x, _aiaccel_nbt.Float):
        def impl(x, flag):
            if not (-9.223372036854775808e18 <= x < 9.223372036854775808e18):
                flag[0] = 1
                return 0
            return int(x)
        return impl
    if isinstance(x, (_aiaccel_nbt.Integer, _aiaccel_nbt.Boolean)):
        return lambda x, flag: int(x)
    return None


@_aiaccel_overload(_aiaccel_sum_f)
def _aiaccel_ov_sum_f(xs, flag):
    if isinstance(xs, _aiaccel_nbt.Array) and _aiaccel_i64(xs.dtype):
        def impl(xs, flag):
            t = 0
            for x in xs.flat:
                t, o = _aiaccel_sadd(t, x)
                if o:
                    flag[0] = 1
            return t
        return impl
    return lambda xs, flag: sum(xs)


@_aiaccel_overload(_aiaccel_pow)
def _aiaccel_ov_pow(a, b):
    if _aiaccel_ints(a, b):
        def impl(a, b):
            if b < 0:
                raise _AiaccelIntOverflow()  # Python's int ** -k is a float: the original decides
            r = 1
            base = a
            e = b
            while e > 0:
                if e & 1:
                    r, o = _aiaccel_smul(r, base)
                    if o:
                        raise _AiaccelIntOverflow()
                e >>= 1
                if e > 0:
                    base, o = _aiaccel_smul(base, base)
                    if o:
                        raise _AiaccelIntOverflow()
            return r
        return impl
    if _aiaccel_int_arrays(a, b):
        def refuse(a, b):
            raise _AiaccelIntOverflow()
        return refuse
    return lambda a, b: a ** b


@_aiaccel_overload(_aiaccel_lshift)
def _aiaccel_ov_lshift(a, b):
    if _aiaccel_ints(a, b):
        def impl(a, b):
            x = _aiaccel_nb.int64(a)
            k = _aiaccel_nb.int64(b)
            if k < 0 or k > 62:
                raise _AiaccelIntOverflow()  # negative counts raise, big ones grow: the original decides
            r = x << k
            if (r >> k) != x:
                raise _AiaccelIntOverflow()
            return r
        return impl
    if _aiaccel_int_arrays(a, b):
        def refuse(a, b):
            raise _AiaccelIntOverflow()
        return refuse
    return lambda a, b: a << b


@_aiaccel_overload(_aiaccel_neg)
def _aiaccel_ov_neg(a):
    if _aiaccel_ints(a):
        def impl(a):
            x = _aiaccel_nb.int64(a)
            if x == -9223372036854775807 - 1:
                raise _AiaccelIntOverflow()
            return -x
        return impl
    if _aiaccel_int_arrays(a):
        def refuse(a):
            raise _AiaccelIntOverflow()
        return refuse
    return lambda a: -a


_AIACCEL_MIN = -9223372036854775807 - 1


# abs, //, % and >> at int64's edges, where LLVM's result is not Python's: abs(-2**63) and
# -2**63 // -1 leave int64, -2**63 % -1 is 0 (LLVM's srem traps there), x >> 64 and beyond is
# 0 or -1, and a negative shift count raises (the original raises it).
@_aiaccel_overload(_aiaccel_abs)
def _aiaccel_ov_abs(a):
    if _aiaccel_ints(a):
        def impl(a):
            x = _aiaccel_nb.int64(a)
            if x == _AIACCEL_MIN:
                raise _AiaccelIntOverflow()
            return abs(x)
        return impl
    return lambda a: abs(a)


@_aiaccel_overload(_aiaccel_floordiv)
def _aiaccel_ov_floordiv(a, b):
    if _aiaccel_ints(a, b):
        def impl(a, b):
            if b == -1 and a == _AIACCEL_MIN:
                raise _AiaccelIntOverflow()
            return a // b
        return impl
    return lambda a, b: a // b


@_aiaccel_overload(_aiaccel_mod)
def _aiaccel_ov_mod(a, b):
    if _aiaccel_ints(a, b):
        def impl(a, b):
            if b == -1:
                return a - a
            return a % b
        return impl
    return lambda a, b: a % b


@_aiaccel_overload(_aiaccel_rshift)
def _aiaccel_ov_rshift(a, b):
    if _aiaccel_ints(a, b):
        def impl(a, b):
            x = _aiaccel_nb.int64(a)
            k = _aiaccel_nb.int64(b)
            if k < 0:
                raise _AiaccelIntOverflow()
            if k > 63:
                return x >> 63
            return x >> k
        return impl
    return lambda a, b: a >> b


@_aiaccel_overload(_aiaccel_abs_f)
def _aiaccel_ov_abs_f(a, flag):
    if _aiaccel_ints(a):
        def impl(a, flag):
            x = _aiaccel_nb.int64(a)
            if x == _AIACCEL_MIN:
                flag[0] = 1
                return x
            return abs(x)
        return impl
    return lambda a, flag: abs(a)


@_aiaccel_overload(_aiaccel_floordiv_f)
def _aiaccel_ov_floordiv_f(a, b, flag):
    if _aiaccel_ints(a, b):
        def impl(a, b, flag):
            if b == -1 and a == _AIACCEL_MIN:
                flag[0] = 1
                return a
            return a // b
        return impl
    return lambda a, b, flag: a // b


@_aiaccel_overload(_aiaccel_mod_f)
def _aiaccel_ov_mod_f(a, b, flag):
    if _aiaccel_ints(a, b):
        def impl(a, b, flag):
            if b == -1:
                return a - a
            return a % b
        return impl
    return lambda a, b, flag: a % b


@_aiaccel_overload(_aiaccel_rshift_f)
def _aiaccel_ov_rshift_f(a, b, flag):
    if _aiaccel_ints(a, b):
        def impl(a, b, flag):
            x = _aiaccel_nb.int64(a)
            k = _aiaccel_nb.int64(b)
            if k < 0:
                flag[0] = 1
                return x
            if k > 63:
                return x >> 63
            return x >> k
        return impl
    return lambda a, b, flag: a >> b


def _aiaccel_to_int(conv):
    """int(x), round(x), floor/ceil/trunc: a float outside int64 (or nan, inf) is a Python int
    (or an exception) that int64 cannot hold."""

    def ov(x):
        if isinstance(x, _aiaccel_nbt.Float):
            def impl(x):
                if not (-9.223372036854775808e18 <= x < 9.223372036854775808e18):
                    raise _AiaccelIntOverflow()
                return conv(x)
            return impl
        if isinstance(x, (_aiaccel_nbt.Integer, _aiaccel_nbt.Boolean)):
            return lambda x: conv(x)
        return None

    return ov


_aiaccel_overload(_aiaccel_int)(_aiaccel_to_int(int))
_aiaccel_overload(_aiaccel_round)(_aiaccel_to_int(round))
_aiaccel_overload(_aiaccel_floor)(_aiaccel_to_int(_aiaccel_math.floor))
_aiaccel_overload(_aiaccel_ceil)(_aiaccel_to_int(_aiaccel_math.ceil))
_aiaccel_overload(_aiaccel_trunc)(_aiaccel_to_int(_aiaccel_math.trunc))


@_aiaccel_overload(_aiaccel_sum)
def _aiaccel_ov_sum(xs):
    if isinstance(xs, _aiaccel_nbt.Array) and _aiaccel_i64(xs.dtype):
        def impl(xs):
            t = 0
            for x in xs.flat:
                t, o = _aiaccel_sadd(t, x)
                if o:
                    raise _AiaccelIntOverflow()
            return t
        return impl
    return lambda xs: sum(xs)
