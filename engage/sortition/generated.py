"""Made-up pools whose quotas force unequal chances, for benchmarks and tests.

Volunteers are drawn from skewed shares of each category; each quota sits between
the panel size times a share halfway between those and a different random share,
never above the volunteers who have the feature. Pure: numpy only.
"""

import math

import numpy as np

from engage.sortition.pool import Pool, Quota

# gender, age, region and education: 96 profiles.
CITIZENS = {"gender": 2, "age": 4, "region": 4, "education": 3}


def skewed_pool(
    n: int, k: int, seed: int = 1, categories: dict[str, int] = CITIZENS
) -> tuple[Pool, int]:
    """``n`` volunteers and quotas for a panel of ``k``; the same seed, the same pool."""
    rng = np.random.default_rng(seed)
    shares = {c: rng.dirichlet(np.full(v, 2.0)) for c, v in categories.items()}
    people = tuple(
        {c: f"{c}{int(rng.choice(v, p=shares[c]))}" for c, v in categories.items()}
        for _ in range(n)
    )
    quotas = []
    for c, v in categories.items():
        target = 0.5 * shares[c] + 0.5 * rng.dirichlet(np.full(v, 6.0))
        for f in range(v):
            have = sum(p[c] == f"{c}{f}" for p in people)
            low = min(have, math.floor(k * target[f]))
            quotas.append(Quota(c, f"{c}{f}", low, max(low, math.ceil(k * target[f]))))
    return Pool(people, tuple(quotas)), k
