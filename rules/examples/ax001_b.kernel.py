from numba import njit


@njit(cache=True)
def _normalise_kernel(xs):
    total = 0.0
    for i in range(xs.shape[0]):
        total += xs[i]
    for i in range(xs.shape[0]):
        xs[i] = xs[i] / total
