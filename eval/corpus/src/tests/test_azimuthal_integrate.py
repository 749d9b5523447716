import numpy as np

from azimuthal_integrate import azimuthal_integrate


def test_constant_image_gives_flat_profile():
    image = np.full((21, 21), 3.0)
    profile, counts = azimuthal_integrate(image, 10.0, 10.0, 5, 10.0)
    assert counts.dtype == np.int64
    assert counts[0] >= 1
    np.testing.assert_allclose(profile, 3.0)
